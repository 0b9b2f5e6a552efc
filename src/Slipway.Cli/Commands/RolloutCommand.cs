using System.CommandLine;
using Slipway.Server.Api;

namespace Slipway.Cli.Commands;

/// <summary><c>rollout status|promote|abort|retry|undo|restart|pause|resume APP</c>.</summary>
internal static class RolloutCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var rollout = new Command("rollout", "Wait for, and act on, the rollout of an app");
        rollout.Subcommands.Add(RolloutStatusCommand.Create(globals));
        rollout.Subcommands.Add(Make(globals, "promote", "Finish the current pause (--full: skip the remaining steps)", withFull: true));
        rollout.Subcommands.Add(Make(globals, "abort", "Traffic back to stable at once, canary scaled down, rollout Degraded"));
        rollout.Subcommands.Add(Make(globals, "retry", "Start an aborted rollout again from its first step (refused while the error budget burns too fast)", withForce: true, withOverride: true));
        rollout.Subcommands.Add(Make(globals, "undo", "Back to the previous revision (immediate when it still runs), or to --to-revision N", withToRevision: true, withForce: true));
        rollout.Subcommands.Add(Make(globals, "restart", "Replace every instance of the stable revision, one at a time"));
        rollout.Subcommands.Add(Make(globals, "pause", "Hold the rollout where it is (weights and instances) until resumed"));
        rollout.Subcommands.Add(Make(globals, "resume", "Let a paused rollout go on"));
        return rollout;
    }

    private static Command Make(GlobalOptions globals, string name, string description, bool withFull = false, bool withToRevision = false, bool withForce = false, bool withOverride = false)
    {
        var overrideBudget = CommandParts.OverrideErrorBudgetOption();
        var app = CommandParts.AppArgument();
        var full = new Option<bool>("--full") { Description = "Skip every remaining step" };
        var toRevision = IntegerOption.CreateOptional("--to-revision", "The revision to go back to (see `slipway history APP`)", 1, int.MaxValue);
        var command = new Command(name, description) { app };
        if (withFull)
        {
            command.Options.Add(full);
        }

        if (withToRevision)
        {
            command.Options.Add(toRevision);
        }

        if (withOverride)
        {
            command.Options.Add(overrideBudget);
        }

        var force = withForce ? CommandParts.AddRollbackForce(command) : null;

        CliAction.Set(command, async (result, ct) =>
        {
            using var client = globals.Client(result);
            var path = CommandParts.AppPath(result, globals, app) + $"/rollout/{name}";
            var forced = force?.Of(result);
            var body = new RolloutCommandRequest(
                Full: withFull && result.GetValue(full),
                ToRevision: withToRevision ? result.GetValue(toRevision) : null,
                Force: forced is not null,
                Reason: forced?.Reason,
                Actor: forced?.Actor)
            {
                OverrideErrorBudget = withOverride ? CommandParts.OverrideErrorBudget(result, overrideBudget) : null,
            };
            var response = (await client.SendAsync(HttpMethod.Post, path, body, ct)).EnsureOk();

            // What the server says it did, with the app's name: "web: paused at step 2 of 5".
            Console.WriteLine(response.Json?["message"]?.GetValue<string>());
            foreach (var warning in response.Json?["warnings"]?.AsArray() ?? [])
            {
                Console.Error.WriteLine($"warning: {warning?.GetValue<string>()}"); // the preflight checks' advice (undo, retry)
            }

            return 0;
        });
        return globals.UsesApi(command);
    }
}
