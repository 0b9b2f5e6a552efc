using System.CommandLine;
using Slipway.Server.Api;

namespace Slipway.Cli.Commands;

/// <summary><c>rollout promote|abort|retry|undo|restart APP</c>.</summary>
internal static class RolloutCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var rollout = new Command("rollout", "Act on the rollout of an app");
        rollout.Subcommands.Add(Make(globals, "promote", "Finish the current pause (--full: skip the remaining steps)", withFull: true));
        rollout.Subcommands.Add(Make(globals, "abort", "Traffic back to stable at once, canary scaled down, rollout Degraded"));
        rollout.Subcommands.Add(Make(globals, "retry", "Start an aborted rollout again from its first step"));
        rollout.Subcommands.Add(Make(globals, "undo", "Back to the previous revision (immediate when it still runs)"));
        rollout.Subcommands.Add(Make(globals, "restart", "Replace every instance of the stable revision, one at a time"));
        return rollout;
    }

    private static Command Make(GlobalOptions globals, string name, string description, bool withFull = false)
    {
        var app = CommandParts.AppArgument();
        var full = new Option<bool>("--full") { Description = "Skip every remaining step" };
        var command = new Command(name, description) { app };
        if (withFull)
        {
            command.Options.Add(full);
        }

        CliAction.Set(command, async (result, ct) =>
        {
            using var client = globals.Client(result);
            var path = CommandParts.AppPath(result, globals, app) + $"/rollout/{name}";
            var body = new RolloutCommandRequest(Full: withFull && result.GetValue(full));
            var response = (await client.SendAsync(HttpMethod.Post, path, body, ct)).EnsureOk();
            Console.WriteLine($"{result.GetValue(app)}: {response.Json?["message"]?.GetValue<string>()}");
            return 0;
        });
        return globals.UsesApi(command);
    }
}
