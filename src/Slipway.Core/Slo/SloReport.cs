namespace Slipway.Core.Slo;

/// <summary>
/// One SLO, evaluated: the error budget over its window and the burn rate of each alert of the policy. What
/// <c>slipway slo</c> shows, what the rollout gate decides on, and what a burn-rate analysis reads.
/// </summary>
/// <param name="Counts">Good and total requests over the SLO's window (what the data covers of it).</param>
/// <param name="Covered">How much of the SLO's window the data covers: all of it once recorded for that long.</param>
/// <param name="BudgetRemaining">1 − bad / allowed errors (see <see cref="ErrorBudgetMath.BudgetRemaining"/>); below 0 once overspent.</param>
/// <param name="AllowedErrors">The bad requests the budget allows for the window's traffic.</param>
/// <param name="RemainingErrors">Allowed errors minus bad requests: negative once overspent.</param>
/// <param name="Error">Why it could not be measured; the numbers are then those of no traffic and no alert fires.</param>
public sealed record SloReport(
    SloSpec Slo,
    SloCounts Counts,
    TimeSpan Covered,
    double BudgetRemaining,
    double AllowedErrors,
    double RemainingErrors,
    IReadOnlyList<BurnRateReport> BurnRates,
    string? Error = null)
{
    public double ErrorRatio => Counts.ErrorRatio;

    /// <summary>An alert of the policy fires: both its windows burn faster than its factor.</summary>
    public bool Firing => BurnRates.Any(b => b.Firing);
}

/// <summary>
/// One multi-window burn-rate alert of an SLO: the burn rate over its long and its short window. It fires when both
/// are above the factor — the long window says the budget is really being spent, the short one that it still is (an
/// alert stops soon after the problem does).
/// </summary>
/// <param name="LongCovered">How much of the long window the data covers (less than the window right after recording started).</param>
public sealed record BurnRateReport(BurnRateAlert Alert, double LongBurnRate, double ShortBurnRate, TimeSpan LongCovered, TimeSpan ShortCovered)
{
    public bool Firing => LongBurnRate > Alert.Factor && ShortBurnRate > Alert.Factor;
}
