namespace Slipway.Core.Slo;

/// <summary>
/// Turns what was measured (<see cref="SloObservation"/>) into error budgets and burn rates (<see cref="SloReport"/>).
/// Pure: the server measures the windows <see cref="Windows"/> names, at one instant, and hands them over.
/// </summary>
public static class SloEvaluator
{
    /// <summary>The windows to measure for <paramref name="slo"/>: its own (the budget) and each alert's two, longest first.</summary>
    public static IReadOnlyList<TimeSpan> Windows(SloSpec slo, ErrorBudgetPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(slo);
        ArgumentNullException.ThrowIfNull(policy);
        return [.. policy.BurnRates.SelectMany(a => new[] { a.Long, a.Short }).Prepend(slo.Window).Distinct().OrderDescending()];
    }

    public static SloReport Evaluate(SloObservation observation, ErrorBudgetPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(observation);
        ArgumentNullException.ThrowIfNull(policy);
        var slo = observation.Slo;
        var counts = observation.Error is null ? observation.Over(slo.Window) : SloCounts.None;
        var burnRates = observation.Error is null
            ? policy.BurnRates.Select(alert => new BurnRateReport(
                alert,
                ErrorBudgetMath.BurnRate(observation.Over(alert.Long), slo.Objective),
                ErrorBudgetMath.BurnRate(observation.Over(alert.Short), slo.Objective),
                observation.Covered(alert.Long),
                observation.Covered(alert.Short))).ToList()
            : [];
        return new SloReport(
            slo,
            counts,
            observation.Covered(slo.Window),
            ErrorBudgetMath.BudgetRemaining(counts, slo.Objective),
            ErrorBudgetMath.AllowedErrors(counts, slo.Objective),
            ErrorBudgetMath.RemainingErrors(counts, slo.Objective),
            burnRates,
            observation.Error);
    }

    /// <summary>Every SLO of an app×env, evaluated with its policy.</summary>
    public static ErrorBudgetReport Evaluate(string app, string environment, ErrorBudgetPolicy policy, IReadOnlyList<SloObservation> observations)
    {
        ArgumentNullException.ThrowIfNull(observations);
        return new ErrorBudgetReport(app, environment, policy, [.. observations.Select(o => Evaluate(o, policy))]);
    }
}
