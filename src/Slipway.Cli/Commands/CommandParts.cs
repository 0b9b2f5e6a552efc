using System.CommandLine;
using Slipway.Cli.Output;

namespace Slipway.Cli.Commands;

/// <summary>Arguments and options several commands share.</summary>
internal static class CommandParts
{
    public static Argument<string> AppArgument() => new("app") { Description = "The app's name" };

    public static string AppPath(ParseResult result, GlobalOptions globals, Argument<string> app) =>
        $"/api/v1/apps/{Uri.EscapeDataString(result.GetValue(app)!)}/{Uri.EscapeDataString(result.GetValue(globals.Environment)!)}";

    /// <summary><c>-o text|json|yaml|wide|name</c>: the one definition of the output option (see <see cref="Printer"/>).</summary>
    public static Option<OutputFormat> OutputOption()
    {
        var option = new Option<OutputFormat>("--output", "-o")
        {
            Description = "Output format: text, json, yaml, wide (text with more detail) or name",
            DefaultValueFactory = _ => OutputFormat.Text,
            CustomParser = OutputFormats.Parse,
        };
        // Not the enum's own completions (Json, Text …): the names as typed.
        option.CompletionSources.Clear();
        option.CompletionSources.Add(OutputFormats.Names.ToArray());
        return option;
    }

    /// <summary>
    /// Who runs the command, as recorded with an override or a forced rollback: <c>$SLIPWAY_ACTOR</c>, else
    /// <c>user@host</c>. Self-reported (the API has one token, not users), like a git commit's author.
    /// </summary>
    public static string Actor()
    {
        var configured = Environment.GetEnvironmentVariable("SLIPWAY_ACTOR")?.Trim();
        return string.IsNullOrEmpty(configured) ? $"{Environment.UserName}@{Environment.MachineName}" : configured;
    }

    /// <summary>
    /// <c>--force --reason WHY</c>: roll back past a release or hook marked irreversible, recorded with
    /// <see cref="Actor"/> and the reason. Added to <paramref name="command"/> with the rule that each needs the other.
    /// </summary>
    public static RollbackForce AddRollbackForce(Command command)
    {
        var force = new Option<bool>("--force") { Description = "Go back past a release or hook marked irreversible (needs --reason; recorded with who and why)" };
        var reason = new Option<string>("--reason") { Description = "Why going back past an irreversible change is safe: recorded in the app's events" };
        command.Options.Add(force);
        command.Options.Add(reason);
        command.Validators.Add(r =>
        {
            var forced = r.GetValue(force);
            if (forced && string.IsNullOrWhiteSpace(r.GetValue(reason)))
            {
                r.AddError("--force needs --reason 'why': say why going back past an irreversible change is safe; it is recorded with who forced it");
            }
            else if (!forced && r.GetValue(reason) is not null)
            {
                r.AddError("--reason goes with --force");
            }
        });
        return new RollbackForce(force, reason);
    }

    /// <summary>
    /// <c>--override-error-budget REASON</c>: start a rollout although the app×env's error budget burns too fast; the
    /// reason is recorded with <see cref="Actor"/>.
    /// </summary>
    public static Option<string> OverrideErrorBudgetOption() => new(Core.Slo.ErrorBudgetGate.OverrideFlag)
    {
        Description = "Start the rollout even though the error budget burns too fast; the reason is recorded with who ran it ($SLIPWAY_ACTOR or user@host)",
        HelpName = "reason",
    };

    /// <summary>The override to send for <paramref name="option"/>, or null when it was not given.</summary>
    public static Core.Slo.ErrorBudgetOverride? OverrideErrorBudget(ParseResult result, Option<string> option) =>
        result.GetValue(option) is { } reason ? new Core.Slo.ErrorBudgetOverride(reason, Actor()) : null;

    /// <summary>Stops with every error, one a line, when there is any.</summary>
    public static void RefuseInvalid(IEnumerable<string> errors)
    {
        var list = errors.ToList();
        if (list.Count > 0)
        {
            throw new CliException(string.Join(Environment.NewLine + "error: ", list), 2);
        }
    }
}

/// <summary>The <c>--force</c> and <c>--reason</c> options of a command that may roll back (see <see cref="CommandParts.AddRollbackForce"/>).</summary>
internal sealed record RollbackForce(Option<bool> Force, Option<string> Reason)
{
    /// <summary>Who forces and why, or null when not forced.</summary>
    public Core.Rollouts.RollbackOverride? Of(ParseResult result) =>
        result.GetValue(Force) ? new Core.Rollouts.RollbackOverride(CommandParts.Actor(), result.GetValue(Reason)!.Trim()) : null;
}
