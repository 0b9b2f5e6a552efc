namespace Slipway.Core.Analysis;

/// <summary>
/// Where one metric of a run stands: its phase and the counters its limits are checked against (Argo Rollouts'
/// MetricResult). Kept up to date measurement by measurement (<see cref="MetricAssessment.Record"/>), so a run that
/// measures every second for an hour is judged on all its measurements while the store keeps a bounded number.
/// </summary>
/// <param name="Count">Measurements that counted: every one but errors and low-traffic ones not yet counted.</param>
/// <param name="WaitingSince">When the current run of uncounted low-traffic measurements began; null when none.</param>
/// <param name="Last">The latest measurement, for status.</param>
/// <param name="Deciding">The measurement that settled a Failed, Error or Inconclusive phase.</param>
public sealed record MetricStatus(
    string Name,
    AnalysisPhase Phase,
    int Count,
    int Successful,
    int Failed,
    int Inconclusive,
    int Error,
    int ConsecutiveError,
    int ConsecutiveSuccess,
    bool DryRun,
    string? Message,
    DateTimeOffset? WaitingSince,
    Measurement? Last,
    Measurement? Deciding)
{
    public int Measured => Count + Error;

    public bool IsCompleted => Phase is AnalysisPhase.Successful or AnalysisPhase.Failed or AnalysisPhase.Error or AnalysisPhase.Inconclusive;
}
