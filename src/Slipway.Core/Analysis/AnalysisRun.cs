namespace Slipway.Core.Analysis;

/// <summary>
/// One analysis run, as persisted: which run it is, the metrics it measures (templates resolved and args replaced
/// when it started, so a template changed later does not change a run in flight), where each metric stands, and
/// when it started and ended. Its measurements are stored beside it, a bounded number per metric.
/// </summary>
/// <param name="StableRevision">The revision serving when the run started: what a baseline compares with.</param>
/// <param name="Terminated">Ended by the rollout (it went on, completed or was aborted) rather than by its metrics.</param>
public sealed record AnalysisRun(
    AnalysisRunKey Key,
    int? StableRevision,
    IReadOnlyList<MetricSpec> Metrics,
    IReadOnlyList<MetricStatus> MetricStatuses,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt = null,
    bool Terminated = false)
{
    /// <summary>A run that has not measured yet; <paramref name="error"/> (a template that went missing) fails it at once.</summary>
    public static AnalysisRun Start(AnalysisRunKey key, int? stableRevision, IReadOnlyList<MetricSpec> metrics, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(metrics);
        return new AnalysisRun(key, stableRevision, metrics, [.. metrics.Select(MetricAssessment.Start)], now);
    }

    public AnalysisRunState State => AnalysisRunState.Of(Key, MetricStatuses);

    public bool IsFinished => FinishedAt is not null;

    /// <summary>The run after <paramref name="measurement"/> of its metric <paramref name="metric"/>; finished once
    /// every metric has completed, or once a counted metric has failed (nothing more can change its outcome).</summary>
    public AnalysisRun Record(MetricSpec metric, Measurement measurement)
    {
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentNullException.ThrowIfNull(measurement);
        var statuses = MetricStatuses.Select(s => s.Name == metric.Name ? MetricAssessment.Record(metric, s, measurement, StartedAt) : s).ToList();
        var next = this with { MetricStatuses = statuses };
        var decided = next.State.Phase is AnalysisPhase.Failed or AnalysisPhase.Error or AnalysisPhase.Inconclusive;
        return decided || statuses.All(s => s.IsCompleted) ? next with { FinishedAt = measurement.FinishedAt } : next;
    }

    /// <summary>Ended by the rollout: metrics still measuring end as <see cref="MetricAssessment.Terminate"/> says.</summary>
    public AnalysisRun Terminate(DateTimeOffset now, string why) => IsFinished ? this : this with
    {
        MetricStatuses = [.. MetricStatuses.Select(s => MetricAssessment.Terminate(s, why))],
        FinishedAt = now,
        Terminated = true,
    };

    /// <summary>When the next measurement is due, over all metrics; null when none is (the run is over).</summary>
    public DateTimeOffset? NextMeasurementAt() => IsFinished ? null : Metrics
        .Zip(MetricStatuses, (metric, status) => MetricAssessment.NextMeasurementAt(metric, status, StartedAt))
        .Where(t => t is not null)
        .Min();
}
