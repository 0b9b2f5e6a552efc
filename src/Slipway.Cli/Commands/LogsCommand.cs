using System.CommandLine;
using Slipway.Server.Api;

namespace Slipway.Cli.Commands;

/// <summary><c>logs APP</c>: the stdout and stderr of the app's instances, with kubectl's <c>--since</c> and <c>--timestamps</c>.</summary>
internal static class LogsCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var app = CommandParts.AppArgument();
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new lines" };
        var revision = IntegerOption.CreateOptional("--revision", "Only this revision", 1, int.MaxValue);
        var tail = IntegerOption.Create("--tail", "Lines of history per instance (default 100; every line since --since when that is given)", 100, 0, int.MaxValue);
        var since = new Option<string>("--since")
        {
            Description = "Only lines from this long ago on (30s, 5m, 1h30m) or from this RFC 3339 time; includes rotated files",
        };
        since.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && LogSince.Parse(result.Tokens[^1].Value, TimeProvider.System.GetUtcNow()) is null)
            {
                result.AddError($"--since '{result.Tokens[^1].Value}': {LogSince.Expected}");
            }
        });
        var timestamps = new Option<bool>("--timestamps") { Description = "Put each line's time first (RFC 3339, UTC): when Slipway saw it, to about a second" };
        var command = new Command("logs", "Print the stdout and stderr of the app's instances") { app, follow, revision, tail, since, timestamps };
        CliAction.Set(command, async (result, ct) =>
        {
            using var client = globals.Client(result);
            // As kubectl: --since alone means every line since then, not the last 100 of them.
            var lines = result.GetValue(since) is not null && result.GetResult(tail) is not { Implicit: false } ? -1 : result.GetValue(tail);
            var query = $"?tail={lines}&follow={(result.GetValue(follow) ? "true" : "false")}"
                + (result.GetValue(revision) is int r ? $"&revision={r}" : "")
                + (result.GetValue(since) is { } s ? $"&since={Uri.EscapeDataString(s)}" : "")
                + (result.GetValue(timestamps) ? "&timestamps=true" : "");
            using (var response = await client.StreamAsync(CommandParts.AppPath(result, globals, app) + "/logs" + query, ct))
            {
                await using var stream = await response.Content.ReadAsStreamAsync(ct);
                using var reader = new StreamReader(stream);
                while (await reader.ReadLineAsync(ct) is { } line)
                {
                    Console.WriteLine(line);
                }
            }

            return 0;
        });
        return globals.UsesApi(command);
    }
}
