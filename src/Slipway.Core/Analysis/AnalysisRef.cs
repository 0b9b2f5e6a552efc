namespace Slipway.Core.Analysis;

/// <summary>
/// Where a rollout runs an analysis (background, a step, blue-green pre- or post-promotion): the templates it refers
/// to by name, the arguments it gives them, metrics written inline, and what a failure does.
/// </summary>
public sealed record AnalysisRef(IReadOnlyList<string> Templates, IReadOnlyList<AnalysisArg> Args, IReadOnlyList<MetricSpec> Metrics)
{
    public AnalysisOnFailure OnFailure { get; init; } = AnalysisOnFailure.Abort;
}

/// <summary>What a failed (or errored) analysis does to the rollout.</summary>
public enum AnalysisOnFailure
{
    /// <summary>Abort, traffic first: the canary loses its traffic in the same pass, then is scaled down.</summary>
    Abort,

    /// <summary>Pause for a human (<c>rollout promote</c> or <c>abort</c>): for a team trying a new template.</summary>
    Pause,
}

/// <summary>A canary's background analysis: runs from step <see cref="StartingStep"/> (0-based, Argo's
/// <c>startingStep</c>) until the rollout ends.</summary>
public sealed record BackgroundAnalysis(AnalysisRef Analysis, int StartingStep);
