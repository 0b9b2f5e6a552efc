namespace Slipway.Core.Slo;

/// <summary>
/// A service level objective: the share of requests that must be good (<see cref="Objective"/>, 0.999 for 99.9 %) over a
/// rolling <see cref="Window"/>; what is left of the other 0.1 % is the error budget.
/// </summary>
/// <param name="Name">Unique among the app's SLOs; a DNS label.</param>
public sealed record SloSpec(string Name, SloIndicator Indicator, double Objective, TimeSpan Window)
{
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromDays(30);
}

/// <summary>What makes a request good.</summary>
public abstract record SloIndicator;

/// <summary>A request is good when it did not fail: the router answered it with a status below 500 (a refused
/// connection, a timeout, a 502 are failures).</summary>
public sealed record AvailabilityIndicator : SloIndicator;

/// <summary>A request is good when it succeeded within <see cref="Threshold"/>.</summary>
public sealed record LatencyIndicator(TimeSpan Threshold) : SloIndicator;

/// <summary>Good and total requests counted by Prometheus: two queries over <c>{{window}}</c> (a range such as 5m).</summary>
public sealed record PrometheusIndicator(string Address, string GoodQuery, string TotalQuery) : SloIndicator;

/// <summary>
/// What the error budget gates. A new rollout does not start while any alert fires — both its windows burn faster
/// than <see cref="BurnRateAlert.Factor"/> — unless the rollout is forced, and the override is recorded.
/// </summary>
public sealed record ErrorBudgetPolicy(bool BlockRollouts, IReadOnlyList<BurnRateAlert> BurnRates)
{
    /// <summary>The SRE workbook's page alerts: 14.4× over 1 h and 5 m (2 % of a 30-day budget in an hour), 6× over 6 h and 30 m.</summary>
    public static readonly ErrorBudgetPolicy Default = new(true, [new(TimeSpan.FromHours(1), TimeSpan.FromMinutes(5), 14.4), new(TimeSpan.FromHours(6), TimeSpan.FromMinutes(30), 6)]);
}

/// <summary>Fires when the burn rate over <see cref="Long"/> and over <see cref="Short"/> are both above <see cref="Factor"/>.</summary>
public sealed record BurnRateAlert(TimeSpan Long, TimeSpan Short, double Factor);
