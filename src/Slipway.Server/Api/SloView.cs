using Slipway.Core.Slo;
using Slipway.Core.Spec;
using Slipway.Store;

namespace Slipway.Server.Api;

/// <summary>
/// <c>GET /api/v1/apps/{app}/{env}/slo</c> (<c>slipway slo APP -o json</c>, see docs/api.md): each SLO of the app×env
/// with its budget and burn rates, now, and whether the error budget blocks new rollouts.
/// </summary>
/// <param name="Firing">An alert of some SLO fires.</param>
/// <param name="BlocksRollouts">An alert fires and the policy blocks rollouts: a new rollout is refused.</param>
/// <param name="Message">Why, as the refusal says it (<c>web/prod is burning its error budget: …</c>); null when nothing fires.</param>
public sealed record SloView(
    string App,
    string Environment,
    bool BlockRollouts,
    bool Firing,
    bool BlocksRollouts,
    string? Message,
    IReadOnlyList<SloStatusView> Slos);

/// <summary>One SLO now. Windows are written as specs write them (<c>30d</c>, <c>1h</c>); numbers of requests are
/// doubles, as a Prometheus indicator may give rates.</summary>
/// <param name="Indicator"><c>availability</c>, <c>latency</c> or <c>prometheus</c>.</param>
/// <param name="Threshold">A latency SLO's threshold (<c>300ms</c>); null otherwise.</param>
/// <param name="DataSince">Since when the router's counts are recorded for this SLO; null for a Prometheus SLO, and
/// before the first recording.</param>
/// <param name="Covered">How much of the window the data covers (less than the window until recorded for that long).</param>
/// <param name="Good">Good requests over the window (what the data covers of it).</param>
/// <param name="BudgetRemaining">1 − bad / allowed errors: 1 untouched, 0 spent, below 0 overspent.</param>
/// <param name="AllowedErrors">The bad requests the objective allows for the window's traffic.</param>
/// <param name="RemainingErrors">Allowed errors minus bad requests: the budget left, in requests.</param>
/// <param name="Error">Why the SLO could not be measured (Prometheus did not answer); it then blocks nothing.</param>
public sealed record SloStatusView(
    string Name,
    string Indicator,
    string? Threshold,
    double Objective,
    string Window,
    DateTimeOffset? DataSince,
    string Covered,
    double Good,
    double Total,
    double ErrorRatio,
    double BudgetRemaining,
    double AllowedErrors,
    double RemainingErrors,
    bool Firing,
    IReadOnlyList<BurnRateView> BurnRates,
    string? Error);

/// <summary>One burn-rate alert of an SLO: its windows and factor, the burn rate over each window, whether it fires.</summary>
public sealed record BurnRateView(string Long, string Short, double Factor, double LongBurnRate, double ShortBurnRate, string LongCovered, string ShortCovered, bool Firing);

internal static class SloViews
{
    public static SloView Build(ErrorBudgetReport report, IReadOnlyList<SloProgress> progress)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(progress);
        return new SloView(
            report.App,
            report.Environment,
            report.Policy.BlockRollouts,
            report.Firing,
            report.BlocksRollouts,
            ErrorBudgetGate.Burning(report),
            [.. report.Slos.Select(s => Slo(s, progress.FirstOrDefault(p => p.Slo == s.Slo.Name)))]);
    }

    private static SloStatusView Slo(SloReport report, SloProgress? progress) => new(
        report.Slo.Name,
        report.Slo.Indicator switch
        {
            LatencyIndicator => "latency",
            PrometheusIndicator => "prometheus",
            _ => "availability",
        },
        report.Slo.Indicator is LatencyIndicator latency ? DurationParser.Format(latency.Threshold) : null,
        report.Slo.Objective,
        SloText.Window(report.Slo.Window),
        report.Slo.Indicator is PrometheusIndicator ? null : progress?.SinceTime,
        SloText.Held(report.Covered),
        report.Counts.Good,
        report.Counts.Total,
        report.ErrorRatio,
        report.BudgetRemaining,
        report.AllowedErrors,
        report.RemainingErrors,
        report.Firing,
        [.. report.BurnRates.Select(b => new BurnRateView(
            SloText.Window(b.Alert.Long),
            SloText.Window(b.Alert.Short),
            b.Alert.Factor,
            b.LongBurnRate,
            b.ShortBurnRate,
            SloText.Held(b.LongCovered),
            SloText.Held(b.ShortCovered),
            b.Firing))],
        report.Error);
}
