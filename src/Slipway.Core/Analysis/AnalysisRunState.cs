namespace Slipway.Core.Analysis;

/// <summary>
/// An analysis run as the planner sees it: which run, its phase, and why. <see cref="HasEvidence"/> says that every
/// metric that may change the rollout has passed at least one measurement: a canary is not promoted on a background
/// analysis that has not seen it serve (no traffic is never a pass).
/// </summary>
/// <param name="Message">For a decided run, the metric, value, condition and time that decided it.</param>
public sealed record AnalysisRunState(AnalysisRunKey Key, AnalysisPhase Phase, bool HasEvidence, string? Message)
{
    /// <summary>The phase of a run from its metrics: dry-run metrics are shown, never counted. Any failed metric fails
    /// the run, then any errored one, then any inconclusive one; it succeeds when all have.</summary>
    public static AnalysisRunState Of(AnalysisRunKey key, IReadOnlyList<MetricStatus> metrics)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(metrics);
        var counted = metrics.Where(m => !m.DryRun).ToList();
        var evidence = counted.All(m => m.Successful > 0);
        foreach (var phase in (ReadOnlySpan<AnalysisPhase>)[AnalysisPhase.Failed, AnalysisPhase.Error, AnalysisPhase.Inconclusive])
        {
            if (counted.FirstOrDefault(m => m.Phase == phase) is { } deciding)
            {
                return new AnalysisRunState(key, phase, evidence, Describe(deciding));
            }
        }

        if (counted.All(m => m.Phase == AnalysisPhase.Successful))
        {
            return new AnalysisRunState(key, AnalysisPhase.Successful, evidence, null);
        }

        var waiting = counted.Where(m => !m.IsCompleted).Select(m => $"{m.Name}: {m.Message ?? "not measured yet"}");
        return new AnalysisRunState(key, counted.Any(m => m.Last is not null) ? AnalysisPhase.Running : AnalysisPhase.Pending, evidence, string.Join("; ", waiting));
    }

    /// <summary>"metric errors failed at 12:03:04Z: result 0.21: failureCondition 'result > 0.05' holds (…)".</summary>
    private static string Describe(MetricStatus metric)
    {
        var verb = metric.Phase switch
        {
            AnalysisPhase.Failed => "failed",
            AnalysisPhase.Error => "could not be measured",
            _ => "was inconclusive",
        };
        var at = metric.Deciding?.FinishedAt is { } time ? $" at {time.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}" : "";
        return $"metric {metric.Name} {verb}{at}: {metric.Message}";
    }
}
