namespace Slipway.Core.Analysis;

/// <summary>Where in a rollout an analysis runs.</summary>
public enum AnalysisKind
{
    /// <summary>A canary's background analysis, from its starting step until the rollout ends.</summary>
    Background,

    /// <summary>A canary's analysis step, which the rollout waits for.</summary>
    Step,

    /// <summary>Blue-green: on the preview revision, before the switch.</summary>
    PrePromotion,

    /// <summary>Blue-green: on the new active revision, after the switch.</summary>
    PostPromotion,
}

/// <summary>
/// Which analysis run a rollout wants: one per kind (and step) per rollout of a revision. A rollout that starts again
/// (a retry, the same revision applied anew) has a new <see cref="RolloutStartedAt"/>, so its runs are new ones; a
/// human promoting past an inconclusive or paused-on-failure background analysis starts its next
/// <see cref="Attempt"/>.
/// </summary>
/// <param name="Step">The 0-based index of the analysis step; 0 for the other kinds.</param>
public sealed record AnalysisRunKey(AnalysisKind Kind, int Revision, int Step, DateTimeOffset RolloutStartedAt, int Attempt = 0)
{
    public override string ToString() => Kind switch
    {
        AnalysisKind.Step => $"step {Step + 1} analysis of revision {Revision}",
        AnalysisKind.Background => $"background analysis of revision {Revision}",
        AnalysisKind.PrePromotion => $"pre-promotion analysis of revision {Revision}",
        _ => $"post-promotion analysis of revision {Revision}",
    };
}

/// <summary>A run the rollout wants to exist: its key and what to run (resolved by the server from templates).</summary>
public sealed record AnalysisRunRequest(AnalysisRunKey Key, AnalysisRef Analysis);
