using Slipway.Core.Analysis;
using Slipway.Core.Spec;

namespace Slipway.Core.Rollouts;

/// <summary>Everything one reconcile pass of one app×env decides from: desired state, persisted status, observed instances, the time.</summary>
public sealed record RolloutContext(
    ApplicationSpec Spec,
    RolloutStatus Status,
    IReadOnlyList<ObservedInstance> Instances,
    DateTimeOffset Now)
{
    /// <summary>The analysis runs of this app×env's rollout, as the analysis runner last assessed them.</summary>
    public IReadOnlyList<AnalysisRunState> Analysis { get; init; } = [];

    /// <summary>The hook runs of this app×env's rollouts, as the hook runner last saw them (see <see cref="HookGate"/>).</summary>
    public IReadOnlyList<Hooks.HookRunState> Hooks { get; init; } = [];

    public TimeSpan MinReady => TimeSpan.FromSeconds(Spec.MinReadySeconds);

    /// <summary>The instances of <paramref name="revision"/> summed up; restarts count from the start of the current rollout.</summary>
    public RevisionObservation Observe(int revision) =>
        RevisionObservation.Of(Instances.Where(i => i.Revision == revision), Now, MinReady, Status.StartedAt);

    /// <summary>Every revision that has an instance, terminating ones included.</summary>
    public IEnumerable<int> ObservedRevisions => Instances.Select(i => i.Revision).Distinct().Order();
}
