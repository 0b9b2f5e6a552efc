using System.CommandLine;
using System.Text.Json;
using Slipway.Core.Serialization;
using Slipway.Server.Api;

namespace Slipway.Cli.Commands;

/// <summary><c>history APP</c>: revisions and what happened to each.</summary>
internal static class HistoryCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var app = CommandParts.AppArgument();
        var output = CommandParts.OutputOption();
        var command = new Command("history", "List revisions and what happened to each") { app, output };
        CliAction.Set(command, async (result, ct) =>
        {
            using var client = globals.Client(result);
            var response = (await client.SendAsync(HttpMethod.Get, CommandParts.AppPath(result, globals, app) + "/history", null, ct)).EnsureOk();
            if (result.GetValue(output) == "json")
            {
                Console.WriteLine(JsonSerializer.Serialize(response.Json, SlipwayJson.Indented));
                return 0;
            }

            var history = response.Read<HistoryView>();
            foreach (var r in history.Revisions)
            {
                Console.WriteLine($"revision {r.Number}  {r.CreatedAt:yyyy-MM-dd HH:mm:ss}Z  {r.ChangeCause}  {r.ArtifactDigest?[..Math.Min(19, r.ArtifactDigest.Length)]}");
                foreach (var e in r.Events)
                {
                    Console.WriteLine($"    {e.Time:HH:mm:ss}  {e.Reason,-26} {e.Message}");
                }
            }

            return 0;
        });
        return globals.UsesApi(command);
    }
}
