namespace Slipway.Core.Rollouts;

/// <summary>What runs of one revision right now, as the target observes it.</summary>
/// <param name="Instances">Instances that exist and are not being stopped.</param>
/// <param name="Ready">Of those, the ones passing readiness.</param>
/// <param name="Terminating">Instances being drained and stopped.</param>
public sealed record RevisionObservation(int Instances, int Ready, int Terminating)
{
    public static readonly RevisionObservation None = new(0, 0, 0);
}

/// <summary>Everything one reconcile pass of one app×env decides from.</summary>
public sealed record RolloutContext(
    Spec.ApplicationSpec Spec,
    RolloutStatus Status,
    IReadOnlyDictionary<int, RevisionObservation> Observed,
    DateTimeOffset Now)
{
    public RevisionObservation Observe(int revision) =>
        Observed.TryGetValue(revision, out var observation) ? observation : RevisionObservation.None;
}

/// <summary>The outcome of a pass: the next status, how many instances each revision should have, and where traffic goes.</summary>
/// <param name="Replicas">Desired instances per revision; revisions not listed should have none.</param>
public sealed record RolloutDecision(
    RolloutStatus Status,
    IReadOnlyDictionary<int, int> Replicas,
    TrafficPlan Traffic,
    IReadOnlyList<RolloutEvent> Events);

/// <param name="Main">Weights of the main route; a revision without ready instances gets no traffic whatever its weight.</param>
/// <param name="HeaderRevision">Revision that receives requests matching <see cref="HeaderRoute"/>.</param>
/// <param name="PreviewRevision">Blue-green: the revision served on the preview route.</param>
public sealed record TrafficPlan(
    IReadOnlyList<WeightedRevision> Main,
    HeaderRoutePlan? HeaderRoute,
    int? HeaderRevision,
    MirrorPlan? Mirror,
    int? PreviewRevision);

public readonly record struct WeightedRevision(int Revision, int Weight);

public sealed record MirrorPlan(int Revision, int Percent);

/// <summary>Something that happened to a rollout, for the event log and <c>slipway history</c>.</summary>
public sealed record RolloutEvent(int? Revision, string Reason, string Message);
