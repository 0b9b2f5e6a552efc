using Slipway.Core.Analysis;
using Slipway.Core.Rollouts;
using Slipway.Store;

namespace Slipway.Server.Api;

/// <summary>
/// The documented JSON of <c>slipway analysis APP -o json</c> (<c>GET /api/v1/apps/{app}/{env}/analysis</c>, see
/// docs/api.md): the built-in health check of the rollout in progress, then the app×env's analysis runs, newest
/// first, each with its metrics and their latest measurements.
/// </summary>
public sealed record AnalysisView(string App, string Environment, HealthCheckView? Health, IReadOnlyList<AnalysisRunView> Runs);

/// <summary>The built-in health check, shown as a metric: its value is the restart count.</summary>
public sealed record HealthCheckView(string Name, int Revision, string Phase, int Restarts, int MaxRestarts, string Condition, string Message);

/// <param name="Id">The run's number in the store.</param>
/// <param name="Kind"><c>background</c>, <c>step</c>, <c>prePromotion</c> or <c>postPromotion</c>.</param>
/// <param name="Step">For a step analysis, the 0-based step index.</param>
/// <param name="Attempt">How many times a human promoted past a background analysis that paused this rollout.</param>
/// <param name="Current">Whether it belongs to the rollout in progress or last completed (runs of earlier rollouts are history).</param>
/// <param name="HasEvidence">Every counted metric has passed at least one measurement.</param>
/// <param name="Terminated">Ended by the rollout (it went on, completed or aborted) rather than by its metrics.</param>
public sealed record AnalysisRunView(
    long Id,
    string Kind,
    int Revision,
    int? StableRevision,
    int Step,
    int Attempt,
    bool Current,
    string Phase,
    string? Message,
    bool HasEvidence,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    bool Terminated,
    IReadOnlyList<MetricView> Metrics);

/// <summary>One metric of a run: what it measures, its limits, where it stands, and its latest measurements (oldest first).</summary>
public sealed record MetricView(
    string Name,
    string Provider,
    string Phase,
    string? Message,
    bool DryRun,
    string? SuccessCondition,
    string? FailureCondition,
    TimeSpan? Interval,
    int? Count,
    int FailureLimit,
    int InconclusiveLimit,
    int ConsecutiveErrorLimit,
    int Measured,
    int Successful,
    int Failed,
    int Inconclusive,
    int Error,
    IReadOnlyList<Measurement> Measurements);

internal static class AnalysisViews
{
    /// <summary>The default number of measurements shown per metric (the store keeps more; <c>--measurements</c>).</summary>
    public const int DefaultMeasurements = 10;

    public const int DefaultRuns = 10;

    public static AnalysisView Build(string app, string environment, RolloutStatus status, HealthCheck? health, IReadOnlyList<(AnalysisRunRecord Run, IReadOnlyList<Measurement> Measurements)> runs) =>
        new(app, environment, HealthOf(health), [.. runs.Select(r => RunView(r.Run, r.Measurements, status))]);

    public static HealthCheckView? HealthOf(HealthCheck? health) => health is null ? null :
        new HealthCheckView(HealthCheck.MetricName, health.Revision, health.Phase.ToString(), health.Restarts, health.MaxRestarts, health.Condition, health.Message);

    /// <summary>A run with, per metric, its latest measurement only, or those given.</summary>
    public static AnalysisRunView RunView(AnalysisRunRecord record, IReadOnlyList<Measurement>? measurements, RolloutStatus status)
    {
        var run = record.Run;
        var state = run.State;
        var metrics = run.Metrics.Select((metric, i) =>
        {
            var s = run.MetricStatuses.ElementAtOrDefault(i) ?? MetricAssessment.Start(metric);
            var shown = measurements?.Where(m => m.Metric == metric.Name).ToList() ?? (s.Last is { } last ? [last] : []);
            return new MetricView(metric.Name, ProviderName(metric.Provider), s.Phase.ToString(), s.Message, metric.DryRun, metric.SuccessCondition, metric.FailureCondition,
                metric.Interval, metric.Count, metric.FailureLimit, metric.InconclusiveLimit, metric.ConsecutiveErrorLimit,
                s.Measured, s.Successful, s.Failed, s.Inconclusive, s.Error, shown);
        });

        // A run that could not start (a template gone) has one synthetic metric status and no metric spec.
        var orphans = run.MetricStatuses.Where(s => run.Metrics.All(m => m.Name != s.Name)).Select(s =>
            new MetricView(s.Name, "none", s.Phase.ToString(), s.Message, s.DryRun, null, null, null, null, 0, 0, 0, s.Measured, s.Successful, s.Failed, s.Inconclusive, s.Error, s.Last is { } l ? [l] : []));
        return new AnalysisRunView(
            record.Id,
            KindName(run.Key.Kind),
            run.Key.Revision,
            run.StableRevision,
            run.Key.Step,
            run.Key.Attempt,
            run.Key.RolloutStartedAt == status.StartedAt,
            state.Phase.ToString(),
            state.Message,
            state.HasEvidence,
            run.StartedAt,
            run.FinishedAt,
            run.Terminated,
            [.. metrics, .. orphans]);
    }

    private static string KindName(AnalysisKind kind) => kind switch
    {
        AnalysisKind.Background => "background",
        AnalysisKind.Step => "step",
        AnalysisKind.PrePromotion => "prePromotion",
        _ => "postPromotion",
    };

    private static string ProviderName(MetricProvider provider) => provider switch
    {
        RouterMetricProvider => "router",
        JudgeMetricProvider => "judge",
        PrometheusMetricProvider => "prometheus",
        HttpMetricProvider => "http",
        JobMetricProvider => "job",
        _ => provider.GetType().Name,
    };
}
