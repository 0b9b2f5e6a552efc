using System.CommandLine;
using System.Text.Json;
using Slipway.Core.Serialization;
using Slipway.Server.Api;

namespace Slipway.Cli.Commands;

/// <summary>
/// <c>version [--client] [-o json]</c>: this client's build and the server's, as <c>kubectl version</c> prints them.
/// When the server cannot be reached the client's version is still printed, then the error, and the exit code
/// is not zero: a script learns that the server is not there.
/// </summary>
internal static class VersionCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var clientOnly = new Option<bool>("--client") { Description = "Only the client's version; the server is not asked" };
        var output = new Option<string>("--output", "-o") { Description = "Output format: text or json", DefaultValueFactory = _ => "text" };
        output.AcceptOnlyFromAmong("text", "json");
        var command = new Command("version", "Print the version of this client and of the server it talks to") { clientOnly, output };
        CliAction.Set(command, async (result, ct) =>
        {
            var client = BuildInfo.Of(typeof(VersionCommand).Assembly);
            var json = result.GetValue(output) == "json";
            if (result.GetValue(clientOnly))
            {
                Print(new Versions(client, null), json);
                return 0;
            }

            BuildInfo server;
            try
            {
                using var api = globals.Client(result);
                var response = await api.SendAsync(HttpMethod.Get, "/api/v1/version", null, ct);
                if (response.Status == System.Net.HttpStatusCode.NotFound)
                {
                    throw new CliException($"the server at {api.Server} does not tell its version: it is older than `slipway version`", 1);
                }

                server = response.EnsureOk().Read<BuildInfo>();
            }
            catch (CliException)
            {
                Print(new Versions(client, null), json);
                throw;
            }

            Print(new Versions(client, server), json);
            return 0;
        });
        return globals.Uses(command, globals.Server, globals.Data);
    }

    private static void Print(Versions versions, bool json)
    {
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(versions, JsonOptions));
            return;
        }

        Console.WriteLine($"Client Version: {versions.Client}");
        if (versions.Server is { } server)
        {
            Console.WriteLine($"Server Version: {server}");
        }
    }

    /// <summary>The API's JSON style (every field present, null when it has no value), indented.</summary>
    private static readonly JsonSerializerOptions JsonOptions = new(SlipwayJson.Api) { WriteIndented = true };

    /// <summary>The JSON of <c>slipway version -o json</c>: <c>server</c> is null when it was not asked or not reached.</summary>
    private sealed record Versions(BuildInfo Client, BuildInfo? Server);
}
