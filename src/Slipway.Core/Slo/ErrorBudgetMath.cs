namespace Slipway.Core.Slo;

/// <summary>
/// The arithmetic of error budgets, as the Google SRE workbook's chapter "Alerting on SLOs" defines it. The budget is
/// the share of requests an SLO allows to fail, 1 − objective (0.1 % for 99.9 %). The <em>burn rate</em> is how fast
/// it is spent, relative to spending exactly all of it over the SLO's window: the error ratio over some time divided
/// by 1 − objective. At a burn rate of 1, a 30-day budget lasts 30 days; at 14.4, an hour spends 14.4 × 1 h / 720 h =
/// 2 % of it, and all of it goes in a little over two days.
/// </summary>
public static class ErrorBudgetMath
{
    /// <summary>Error ratio over 1 − <paramref name="objective"/>; 0 without traffic (a quiet time burns nothing).</summary>
    public static double BurnRate(SloCounts counts, double objective) => counts.ErrorRatio / Allowed(objective);

    /// <summary>
    /// How many bad requests the budget allows for <paramref name="counts"/>' total: (1 − objective) × total. The
    /// budget is counted in requests, so it grows with traffic: the SRE workbook's request-based SLO.
    /// </summary>
    public static double AllowedErrors(SloCounts counts, double objective) => Allowed(objective) * counts.Total;

    /// <summary>Allowed errors minus bad requests: negative once the budget is spent.</summary>
    public static double RemainingErrors(SloCounts counts, double objective) => AllowedErrors(counts, objective) - counts.Bad;

    /// <summary>
    /// 1 − bad / allowed errors over the SLO's window: 1 is an untouched budget, 0 a spent one, below 0 an SLO
    /// missed. Without traffic nothing was spent: 1.
    /// </summary>
    public static double BudgetRemaining(SloCounts counts, double objective) =>
        counts.Total <= 0 ? 1 : 1 - (counts.Bad / AllowedErrors(counts, objective));

    /// <summary>
    /// The share of a <paramref name="window"/>'s budget a burn rate spends in <paramref name="duration"/> with steady
    /// traffic: 14.4 for an hour of a 30-day window is 2 %, 6 for 6 hours is 5 % (the workbook's page alerts).
    /// </summary>
    public static double BudgetSpent(double burnRate, TimeSpan duration, TimeSpan window) => burnRate * duration / window;

    private static double Allowed(double objective)
    {
        if (objective is <= 0 or >= 1 || double.IsNaN(objective))
        {
            throw new ArgumentOutOfRangeException(nameof(objective), objective, "an objective is more than 0 and less than 1");
        }

        return 1 - objective;
    }
}
