using System.CommandLine;

namespace Slipway.Cli.Commands;

/// <summary><c>logs APP</c>: the stdout and stderr of the app's instances.</summary>
internal static class LogsCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var app = CommandParts.AppArgument();
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new lines" };
        var revision = IntegerOption.CreateOptional("--revision", "Only this revision", 1, int.MaxValue);
        var tail = IntegerOption.Create("--tail", "Lines of history per instance", 100, 0, int.MaxValue);
        var command = new Command("logs", "Print the stdout and stderr of the app's instances") { app, follow, revision, tail };
        CliAction.Set(command, async (result, ct) =>
        {
            using var client = globals.Client(result);
            var query = $"?tail={result.GetValue(tail)}&follow={(result.GetValue(follow) ? "true" : "false")}"
                + (result.GetValue(revision) is int r ? $"&revision={r}" : "");
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
