namespace Slipway.Core.Rollouts;

public enum RolloutPhase
{
    /// <summary>Moving towards the updated revision (starting instances, shifting traffic).</summary>
    Progressing,

    /// <summary>Stopped at a pause step (timed or until promoted), a blue-green pre-promotion pause, or held by a user
    /// (<see cref="RolloutStatus.PausedByUser"/>).</summary>
    Paused,

    /// <summary>The stable revision is the updated one and all its instances are ready.</summary>
    Healthy,

    /// <summary>Aborted (by a user, the progress deadline or the restart limit) or never became available: traffic is on
    /// stable. A Degraded status always names its <see cref="RolloutStatus.Reason"/> and has a message.</summary>
    Degraded,
}

/// <summary>
/// The persisted state of the rollout of one app×env. Recomputed by <see cref="RolloutPlanner"/>
/// on every reconcile pass from the previous status and what is observed; persisted once per pass.
/// </summary>
public sealed record RolloutStatus
{
    public static readonly RolloutStatus Empty = new();

    public const int StableHistoryLength = 20;

    /// <summary>The revision that serves users when no rollout is in progress.</summary>
    public int? StableRevision { get; init; }

    /// <summary>The revision being rolled out; equals <see cref="StableRevision"/> when none is.</summary>
    public int? UpdatedRevision { get; init; }

    public RolloutPhase Phase { get; init; } = RolloutPhase.Progressing;

    /// <summary>A short machine-readable cause of the phase, e.g. <c>CanaryPauseStep</c>, <c>ProgressDeadlineExceeded</c>.</summary>
    public string? Reason { get; init; }

    public string? Message { get; init; }

    /// <summary>Index of the canary step being executed; equals the step count once all are done.</summary>
    public int CurrentStepIndex { get; init; }

    /// <summary>Share of traffic (0–100) sent to the updated revision by the canary weights.</summary>
    public int CanaryWeight { get; init; }

    public HeaderRoutePlan? HeaderRoute { get; init; }

    public int MirrorPercent { get; init; }

    public DateTimeOffset? PauseStartedAt { get; init; }

    /// <summary>A user asked to finish the current pause.</summary>
    public bool PromoteRequested { get; init; }

    /// <summary>A user (or an undo) asked to skip the remaining steps.</summary>
    public bool PromoteFull { get; init; }

    public bool Aborted { get; init; }

    /// <summary>
    /// A user paused the rollout (<c>rollout pause</c>): it is held where it is — weights, header route, mirror and
    /// instances per revision — until resumed; abort rules keep applying. Like Kubernetes' <c>spec.paused</c> it
    /// outlives the rollout it was set in: a revision applied while paused waits until resumed.
    /// </summary>
    public bool PausedByUser { get; init; }

    /// <summary>
    /// Counts the changes users made to what this rollout should do: every apply that changed the app and every
    /// rollout command (<see cref="NextGeneration"/>). A pass copies it into the status it plans, so a status shows
    /// which change it has seen: one whose generation is below the stored one does not reflect the latest change yet
    /// (Kubernetes' <c>observedGeneration</c>), and a rollout shown Healthy then is not the one just asked for.
    /// </summary>
    public long Generation { get; init; }

    /// <summary>How far the rollout got and since when: the progress deadline counts from its last progress.</summary>
    public RolloutProgress? Progress { get; init; }

    /// <summary>Revisions that became stable, oldest first (at most <see cref="StableHistoryLength"/>): what undo goes back to.</summary>
    public IReadOnlyList<int> StableHistory { get; init; } = [];

    /// <summary>Blue-green: the revision that served before the switch, kept running until <see cref="ScaleDownAt"/>.</summary>
    public int? PreviousStableRevision { get; init; }

    public DateTimeOffset? ScaleDownAt { get; init; }

    /// <summary>Blue-green with post-promotion analysis: the new revision took all traffic at this moment and the
    /// rollout completes when the analysis succeeds (a failure switches back).</summary>
    public DateTimeOffset? SwitchedAt { get; init; }

    /// <summary>
    /// Counts the times a human promoted past a background analysis that paused the rollout (inconclusive, or failed
    /// with <c>onFailure: pause</c>): each starts a new run (<see cref="Analysis.AnalysisRunKey.Attempt"/>).
    /// </summary>
    public int AnalysisAttempt { get; init; }

    /// <summary>Instances of the stable revision started before this moment are replaced one by one.</summary>
    public DateTimeOffset? RestartedAt { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>The rollout's <c>confirmRollout</c> hooks said yes, or a human promoted: it may start.</summary>
    public bool RolloutConfirmed { get; init; }

    /// <summary>Every <c>preRollout</c> hook of the rollout succeeded: instances of the new revision may start.</summary>
    public bool PreRolloutDone { get; init; }

    /// <summary>The rollout's <c>confirmPromotion</c> hooks said yes, or a human promoted: the final promotion may happen.</summary>
    public bool PromotionConfirmed { get; init; }

    /// <summary>
    /// Hooks still to run for the rollout that just ended (the one that started at <see cref="StartedAt"/>):
    /// <c>postPromotion</c> after it completed, <c>onAbort</c> after it was aborted. Persisted with the status that ends
    /// the rollout, so that they run once even if the server stops before starting them; cleared once every one has run.
    /// </summary>
    public Hooks.HookType? HooksToRun { get; init; }

    public IReadOnlyList<RolloutCondition> Conditions { get; init; } = [];

    /// <summary>Changes revisions made that no rollback undoes, oldest first (see <see cref="IrreversibleChange"/>).</summary>
    public IReadOnlyList<IrreversibleChange> IrreversibleChanges { get; init; } = [];

    /// <summary>
    /// The irreversible changes of revisions newer than the stable one: what serving the stable revision did not roll
    /// back (after an abort, an undo or a forced rollback).
    /// </summary>
    public IReadOnlyList<IrreversibleChange> NotRolledBack() =>
        StableRevision is int stable ? IrreversibleChange.PastOf(this, stable) : [];

    public bool InProgress => UpdatedRevision is not null && UpdatedRevision != StableRevision;

    /// <summary>This status after a user's change: the next <see cref="Generation"/>.</summary>
    public RolloutStatus NextGeneration() => this with { Generation = Generation + 1 };

    /// <summary>The step machine back at its start: no weight, no header route, no mirror, no pause, no wait.</summary>
    public RolloutStatus WithStepsReset() => this with
    {
        CurrentStepIndex = 0,
        CanaryWeight = 0,
        HeaderRoute = null,
        MirrorPercent = 0,
        PauseStartedAt = null,
        PromoteRequested = false,
        PromoteFull = false,
        Progress = null,
        SwitchedAt = null,
        AnalysisAttempt = 0,
        RolloutConfirmed = false,
        PreRolloutDone = false,
        PromotionConfirmed = false,
        HooksToRun = null,
    };

    /// <summary>Value equality including the lists (records compare lists by reference).</summary>
    public bool IsEquivalentTo(RolloutStatus other) => Serialization.SlipwayJson.SameValue(this, other);
}

public sealed record HeaderRoutePlan(string Name, IReadOnlyList<Spec.HeaderMatch> Match);

/// <summary>A condition in the Kubernetes sense: a named fact that is true or false, with why and since when.</summary>
public sealed record RolloutCondition(string Type, bool Status, string? Reason, string? Message, DateTimeOffset LastTransitionTime);
