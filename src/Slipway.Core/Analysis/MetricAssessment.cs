namespace Slipway.Core.Analysis;

/// <summary>
/// Argo Rollouts' rules for a metric, measurement by measurement: it fails when more than <c>failureLimit</c>
/// measurements failed, is inconclusive when more than <c>inconclusiveLimit</c> were, errs when more than
/// <c>consecutiveErrorLimit</c> errors came in a row, and succeeds after <c>consecutiveSuccessLimit</c> successes in a
/// row or once <c>count</c> measurements counted. One rule is Slipway's: too little traffic is never a pass. A
/// measurement on fewer than <c>minSampleSize</c> requests does not count while the first window of the run is not
/// over (a canary that just got its weight has not had time to receive traffic), nor, with <c>lowTraffic:
/// extend</c>, until <c>maxExtension</c> has passed waiting for traffic; after that it counts as inconclusive.
/// </summary>
public static class MetricAssessment
{
    /// <summary>How long an errored measurement of a metric that has no interval waits before it is taken again.</summary>
    public static readonly TimeSpan RetryWithoutInterval = TimeSpan.FromSeconds(5);

    public static MetricStatus Start(MetricSpec metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        return new MetricStatus(metric.Name, AnalysisPhase.Pending, 0, 0, 0, 0, 0, 0, 0, metric.DryRun, null, null, null, null);
    }

    /// <summary>The metric after <paramref name="measurement"/>, taken in a run that started at <paramref name="runStartedAt"/>.</summary>
    public static MetricStatus Record(MetricSpec metric, MetricStatus status, Measurement measurement, DateTimeOffset runStartedAt)
    {
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(measurement);
        if (status.IsCompleted)
        {
            return status;
        }

        var next = status with { Last = measurement, Message = measurement.Message };
        if (measurement.LowTraffic && WaitsForTraffic(metric, status, measurement, runStartedAt) is { } waiting)
        {
            return next with { Phase = AnalysisPhase.Running, WaitingSince = waiting.Since, Message = $"{measurement.Message}; {waiting.Why}" };
        }

        next = next with { WaitingSince = null };
        next = measurement.Phase switch
        {
            AnalysisPhase.Successful => next with { Count = next.Count + 1, Successful = next.Successful + 1, ConsecutiveSuccess = next.ConsecutiveSuccess + 1, ConsecutiveError = 0 },
            AnalysisPhase.Failed => next with { Count = next.Count + 1, Failed = next.Failed + 1, ConsecutiveSuccess = 0, ConsecutiveError = 0 },
            AnalysisPhase.Inconclusive => next with { Count = next.Count + 1, Inconclusive = next.Inconclusive + 1, ConsecutiveSuccess = 0, ConsecutiveError = 0 },
            AnalysisPhase.Error => next with { Error = next.Error + 1, ConsecutiveError = next.ConsecutiveError + 1, ConsecutiveSuccess = 0 },
            _ => throw new ArgumentException($"a measurement's phase is decided, not {measurement.Phase}", nameof(measurement)),
        };
        return Assess(metric, next, measurement);
    }

    /// <summary>The run ends before the metric did (the rollout went on, was promoted or aborted): a metric still
    /// measuring ends Successful, as Argo's terminated runs do; one that had decided keeps its phase.</summary>
    public static MetricStatus Terminate(MetricStatus status, string why)
    {
        ArgumentNullException.ThrowIfNull(status);
        return status.IsCompleted ? status : status with { Phase = AnalysisPhase.Successful, Message = why, WaitingSince = null };
    }

    /// <summary>When the metric is next measured; null once it has completed.</summary>
    public static DateTimeOffset? NextMeasurementAt(MetricSpec metric, MetricStatus status, DateTimeOffset runStartedAt)
    {
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentNullException.ThrowIfNull(status);
        if (status.IsCompleted)
        {
            return null;
        }

        if (status.Last is not { } last)
        {
            return runStartedAt + metric.InitialDelay;
        }

        // Measurements keep to their cadence (started-to-started), unless one took longer than the interval.
        var interval = metric.Interval ?? RetryWithoutInterval;
        var due = last.StartedAt + interval;
        return due > last.FinishedAt ? due : last.FinishedAt;
    }

    private static MetricStatus Assess(MetricSpec metric, MetricStatus status, Measurement latest)
    {
        if (metric.FailureLimit != MetricSpec.NoFailureLimit && status.Failed > metric.FailureLimit)
        {
            return status with { Phase = AnalysisPhase.Failed, Deciding = latest, Message = $"{latest.Message} ({Times(status.Failed, "failed")}, failureLimit {metric.FailureLimit})" };
        }

        if (status.Inconclusive > metric.InconclusiveLimit)
        {
            return status with { Phase = AnalysisPhase.Inconclusive, Deciding = latest, Message = $"{latest.Message} ({Times(status.Inconclusive, "inconclusive")}, inconclusiveLimit {metric.InconclusiveLimit})" };
        }

        if (status.ConsecutiveError > metric.ConsecutiveErrorLimit)
        {
            return status with { Phase = AnalysisPhase.Error, Deciding = latest, Message = $"{latest.Message} ({status.ConsecutiveError} errors in a row, consecutiveErrorLimit {metric.ConsecutiveErrorLimit})" };
        }

        if (metric.ConsecutiveSuccessLimit is { } successes && status.ConsecutiveSuccess >= successes)
        {
            return status with { Phase = AnalysisPhase.Successful, Message = $"{latest.Message} ({status.ConsecutiveSuccess} successes in a row, consecutiveSuccessLimit {successes})" };
        }

        // Neither count nor interval: one measurement is the whole metric.
        var count = metric.Count ?? (metric.Interval is null ? 1 : (int?)null);
        if (count is { } planned && status.Count >= planned && metric.ConsecutiveSuccessLimit is { } streak)
        {
            // Argo 1.8: with a success streak to reach, running out of measurements without it is no pass.
            var phase = metric.FailureLimit == MetricSpec.NoFailureLimit ? AnalysisPhase.Failed : AnalysisPhase.Inconclusive;
            return status with { Phase = phase, Deciding = latest, Message = $"{latest.Message} ({status.Count}/{planned} measurements without {streak} successes in a row)" };
        }

        if (count is { } total && status.Count >= total)
        {
            return status with { Phase = AnalysisPhase.Successful, Message = $"{latest.Message} ({status.Count}/{total} measurements, {status.Successful} successful)" };
        }

        return status with { Phase = AnalysisPhase.Running };
    }

    /// <summary>Why a low-traffic measurement does not count yet, and since when the metric waits; null when it counts.</summary>
    private static (DateTimeOffset Since, string Why)? WaitsForTraffic(MetricSpec metric, MetricStatus status, Measurement measurement, DateTimeOffset runStartedAt)
    {
        var firstWindowEnds = runStartedAt + metric.InitialDelay + WindowOf(metric);
        var since = status.WaitingSince ?? measurement.StartedAt;
        if (measurement.StartedAt < firstWindowEnds)
        {
            return (since, $"not counted before the first {Spec.DurationParser.Format(WindowOf(metric))} window of the analysis is over");
        }

        if (metric.LowTraffic == LowTrafficPolicy.Extend && measurement.StartedAt - since < metric.MaxExtension)
        {
            return (since, $"lowTraffic: extend, waiting for traffic until {(since + metric.MaxExtension).UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}");
        }

        return null;
    }

    private static TimeSpan WindowOf(MetricSpec metric) => metric.Provider switch
    {
        RouterMetricProvider router => router.Window,
        JudgeMetricProvider { Window: { } window } => window,
        _ => RouterMetricProvider.DefaultWindow,
    };

    private static string Times(int count, string what) => count == 1 ? $"1 measurement {what}" : $"{count} measurements {what}";
}
