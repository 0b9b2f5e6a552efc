using Slipway.Core.Analysis;

namespace Slipway.Core.Rollouts;

/// <summary>
/// The complete outcome of one pass for one app×env: the next status, where traffic goes, which instances to start
/// and which to drain and stop (in order), and the events to record. The reconciler executes it as it is.
/// </summary>
/// <param name="Replicas">Desired instances per revision; revisions not listed should have none.</param>
/// <param name="Start">How many new instances to start, per revision.</param>
/// <param name="Stop">Instances to drain and stop, first ones first. They are out of <see cref="Traffic"/> already.</param>
/// <param name="WakeAt">The next moment at which the plan changes by itself (a pause ending, a deadline, an instance
/// becoming available, a scale-down delay), so an event-driven reconciler knows when to come back.</param>
public sealed record RolloutPlan(
    RolloutStatus Status,
    IReadOnlyDictionary<int, int> Replicas,
    IReadOnlyDictionary<int, int> Start,
    IReadOnlyList<string> Stop,
    TrafficPlan Traffic,
    IReadOnlyList<RolloutEvent> Events,
    DateTimeOffset? WakeAt)
{
    /// <summary>The analysis runs the rollout wants now; the runner starts those missing and ends any other that
    /// still measures.</summary>
    public IReadOnlyList<AnalysisRunRequest> Analysis { get; init; } = [];

    /// <summary>
    /// The hook runs the rollout wants now (see <see cref="HookGate"/>); the runner stores and starts those missing. A
    /// run no longer wanted finishes what it does (a migration is never cut short), except a confirm gate's, which
    /// stops asking.
    /// </summary>
    public IReadOnlyList<Hooks.HookRunRequest> Hooks { get; init; } = [];

    /// <summary>The built-in health check of the rollout in progress; null when none is.</summary>
    public HealthCheck? Health { get; init; }
}

/// <param name="Main">Weights of the main route; a revision without ready instances gets no traffic whatever its weight.</param>
/// <param name="HeaderRevision">Revision that receives requests matching <see cref="HeaderRoute"/>.</param>
/// <param name="PreviewRevision">Blue-green: the revision served on the preview route.</param>
public sealed record TrafficPlan(
    IReadOnlyList<WeightedRevision> Main,
    HeaderRoutePlan? HeaderRoute,
    int? HeaderRevision,
    MirrorPlan? Mirror,
    int? PreviewRevision)
{
    public static readonly TrafficPlan None = new([], null, null, null, null);

    /// <summary>Only the main route, with these weights.</summary>
    public static TrafficPlan Weighted(params (int Revision, int Weight)[] weights) =>
        new(weights.Select(w => new WeightedRevision(w.Revision, w.Weight)).ToList(), null, null, null, null);

}

public readonly record struct WeightedRevision(int Revision, int Weight);

public sealed record MirrorPlan(int Revision, int Percent);

/// <summary>Something that happened to a rollout, for the event log and <c>slipway history</c>.</summary>
public sealed record RolloutEvent(int? Revision, string Reason, string Message);
