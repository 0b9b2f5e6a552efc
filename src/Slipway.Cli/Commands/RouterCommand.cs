using System.CommandLine;
using Slipway.Router;
using Slipway.Server.Api;
using Slipway.Server.Apply;

namespace Slipway.Cli.Commands;

/// <summary><c>router</c>: the data plane's router, which the server starts and which outlives it.</summary>
internal static class RouterCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "Routing table file written by the server", Required = true };
        var listen = new Option<string>("--listen") { DefaultValueFactory = _ => "127.0.0.1:8080" };
        var admin = new Option<string>("--admin") { DefaultValueFactory = _ => "127.0.0.1:8081" };
        var accessLog = new Option<string?>("--access-log") { Description = "File for JSON access logs (default stdout)" };
        var accessLogMaxSize = new Option<string>("--access-log-max-size")
        {
            Description = "Size at which the --access-log file is rotated, e.g. 10MiB or 500MiB (default 10MiB)",
            DefaultValueFactory = _ => "10MiB",
        };
        var accessLogFiles = new Option<int>("--access-log-files")
        {
            Description = "Rotated access log files kept: FILE.1 (newest) to FILE.N (default 5; 0 keeps none)",
            DefaultValueFactory = _ => RouterOptions.DefaultAccessLogRotatedFiles,
        };
        var inline = new Option<bool>("--inline-scheduling")
        {
            Description = "Handle requests on the socket I/O threads: more throughput, higher tail latency (see bench/README.md)",
        };
        var command = new Command("router", "Run the router (the server starts it; it keeps serving when the server stops)") { config, listen, admin, accessLog, accessLogMaxSize, accessLogFiles, inline };
        CliAction.Set(command, async (result, ct) =>
        {
            var errors = new[] { ("--listen", result.GetValue(listen)!), ("--admin", result.GetValue(admin)!) }
                .Select(a => ListenAddress.TryParse(a.Item2, out _, out var error) ? null : $"{a.Item1} {error}")
                .OfType<string>()
                .ToList();
            if (!ArtifactLimits.TryParseSize(result.GetValue(accessLogMaxSize)!, out var maxBytes) || maxBytes <= 0)
            {
                errors.Add($"--access-log-max-size: expected a size such as 10MiB, 500MiB or a number of bytes, got '{result.GetValue(accessLogMaxSize)}'");
            }

            if (errors.Count > 0)
            {
                throw new CliException(string.Join("\nerror: ", errors), 2);
            }

            var options = new RouterOptions(result.GetValue(config)!, result.GetValue(listen)!, result.GetValue(admin)!, result.GetValue(accessLog))
            {
                InlineScheduling = result.GetValue(inline),
                AccessLogMaxBytes = maxBytes,
                AccessLogRotatedFiles = result.GetValue(accessLogFiles),
            };
            CommandParts.RefuseInvalid(options.Validate());
            await RouterHost.RunAsync(options, ct);
            return 0;
        });
        return command;
    }
}
