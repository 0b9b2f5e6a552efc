using System.CommandLine;
using Slipway.Router;
using Slipway.Core.Spec;
using Slipway.Server;
using Slipway.Server.Apply;

namespace Slipway.Cli.Commands;

/// <summary><c>server</c>, <c>router</c> and <c>down</c>: the processes of the control and data planes.</summary>
internal static class ServerCommands
{
    public static Option<string> DataOption() => new("--data", "-d")
    {
        Description = "Data directory (store, instance state, logs, router table); default $SLIPWAY_DATA or ~/.slipway",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SLIPWAY_DATA")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".slipway"),
    };

    public static Command Server()
    {
        var data = DataOption();
        var api = new Option<string>("--api") { Description = "Address of the HTTP API", DefaultValueFactory = _ => "127.0.0.1:7070" };
        var listen = new Option<string>("--router-listen") { Description = "Address the router serves on", DefaultValueFactory = _ => "127.0.0.1:8080" };
        var admin = new Option<string>("--router-admin") { Description = "Address of the router's admin endpoint (/metrics, /state)", DefaultValueFactory = _ => "127.0.0.1:8081" };
        var maxArtifactSize = new Option<string>("--max-artifact-size")
        {
            Description = "Largest artifact directory an apply may copy, e.g. 500MiB or 4GiB (default 2GiB)",
            DefaultValueFactory = _ => "2GiB",
        };
        var artifactTimeout = new Option<string>("--artifact-timeout")
        {
            Description = "Longest an apply may take to check, or to hash and copy, one artifact directory, e.g. 90s or 10m (default 5m)",
            DefaultValueFactory = _ => "5m",
        };
        var command = new Command("server", "Run the control plane (starts the router if it is not running)") { data, api, listen, admin, maxArtifactSize, artifactTimeout };
        CliAction.Set(command, async (result, ct) =>
        {
            if (!ArtifactLimits.TryParseSize(result.GetValue(maxArtifactSize)!, out var maxBytes))
            {
                throw new CliException($"--max-artifact-size: expected a size such as 500MiB, 2GiB or a number of bytes, got '{result.GetValue(maxArtifactSize)}'", 1);
            }

            if (!DurationParser.TryParse(result.GetValue(artifactTimeout)!, out var timeout) || timeout <= TimeSpan.Zero)
            {
                throw new CliException($"--artifact-timeout: expected a positive duration such as 90s or 10m, got '{result.GetValue(artifactTimeout)}'", 1);
            }

            var options = new ServerOptions(Path.GetFullPath(result.GetValue(data)!), result.GetValue(api)!, result.GetValue(listen)!, result.GetValue(admin)!)
            {
                Artifacts = new ArtifactLimits(maxBytes, timeout),
            };
            await ServerHost.RunAsync(options, ct);
            return 0;
        });
        return command;
    }

    public static Command Router()
    {
        var config = new Option<string>("--config") { Description = "Routing table file written by the server", Required = true };
        var listen = new Option<string>("--listen") { DefaultValueFactory = _ => "127.0.0.1:8080" };
        var admin = new Option<string>("--admin") { DefaultValueFactory = _ => "127.0.0.1:8081" };
        var accessLog = new Option<string?>("--access-log") { Description = "File for JSON access logs (default stdout)" };
        var inline = new Option<bool>("--inline-scheduling")
        {
            Description = "Handle requests on the socket I/O threads: more throughput, higher tail latency (see bench/README.md)",
        };
        var command = new Command("router", "Run the router (the server starts it; it keeps serving when the server stops)") { config, listen, admin, accessLog, inline };
        CliAction.Set(command, async (result, ct) =>
        {
            var options = new RouterOptions(result.GetValue(config)!, result.GetValue(listen)!, result.GetValue(admin)!, result.GetValue(accessLog))
            {
                InlineScheduling = result.GetValue(inline),
            };
            await RouterHost.RunAsync(options, ct);
            return 0;
        });
        return command;
    }

    public static Command Down()
    {
        var data = DataOption();
        var command = new Command("down", "Stop every instance and the router of a data directory (run after stopping the server)") { data };
        CliAction.Set(command, async (result, ct) =>
        {
            await DataPlane.StopAllAsync(Path.GetFullPath(result.GetValue(data)!), ct);
            Console.WriteLine("stopped every instance and the router");
            return 0;
        });
        return command;
    }
}
