namespace Slipway.Core.Analysis;

/// <summary>The phase of a measurement, a metric or an analysis run (Argo Rollouts' AnalysisPhase).</summary>
public enum AnalysisPhase
{
    Pending,
    Running,
    Successful,
    Failed,

    /// <summary>The provider could not measure (Prometheus down, a timeout, a condition that cannot be evaluated).</summary>
    Error,

    /// <summary>Neither condition held, or too few requests: a human decides.</summary>
    Inconclusive,
}
