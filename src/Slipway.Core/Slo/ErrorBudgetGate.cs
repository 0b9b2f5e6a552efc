namespace Slipway.Core.Slo;

/// <summary>
/// Whether a new rollout of an app×env may start, given its error budget: not while an alert of its policy fires —
/// both windows of a burn-rate alert above the factor — when the policy blocks rollouts (the default), unless someone
/// overrides it with a reason, which is recorded. A rollout that reduces risk (undo, abort) is never asked about.
/// </summary>
public static class ErrorBudgetGate
{
    /// <summary>How the CLI spells the override.</summary>
    public const string OverrideFlag = "--override-error-budget";

    public static ErrorBudgetDecision Decide(ErrorBudgetReport report, ErrorBudgetOverride? @override)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (!report.BlocksRollouts)
        {
            return ErrorBudgetDecision.NotBlocked;
        }

        var burning = Burning(report)!;
        return @override is null
            ? new ErrorBudgetDecision(false, burning, null)
            : new ErrorBudgetDecision(true, burning, $"rollout started by {@override.Actor} although the error budget burns too fast: \"{@override.Reason.Trim()}\" ({burning})");
    }

    /// <summary>
    /// <c>web/prod is burning its error budget: SLO availability at 16.2× over 1h and 21.0× over 5m (limit 14.4×); 62 %
    /// of the 30-day budget left.</c> — one sentence per SLO that fires; null when none does.
    /// </summary>
    public static string? Burning(ErrorBudgetReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var firing = report.Slos.Where(s => s.Firing).Select(s => $"{SloText.Burning(s)}; {SloText.BudgetLeft(s)}.").ToList();
        return firing.Count == 0 ? null : $"{report.App}/{report.Environment} is burning its error budget: {string.Join(" ", firing)}";
    }

    /// <summary>
    /// The whole refusal: why (one line per app×env refused), what was not done, and how to do it anyway.
    /// </summary>
    /// <param name="notDone">What the refusal left undone: <c>The rollout was not started.</c></param>
    /// <param name="command">The command that would do it anyway, without the override (<c>slipway rollout retry web -e prod</c>).</param>
    public static string Refusal(IReadOnlyList<string> burning, string notDone, string command)
    {
        ArgumentNullException.ThrowIfNull(burning);
        return $"{string.Join("\n", burning)}{(burning.Count == 1 ? " " : "\n")}{notDone} To start it anyway: {command} {OverrideFlag} 'why'";
    }
}
