using Slipway.Core.Analysis;
using Slipway.Core.Spec;

namespace Slipway.Core.Rollouts;

/// <summary>
/// One planning pass over one app×env, like Argo Rollouts' rolloutContext: mutable only while the planner runs, it
/// collects the next status, the desired instances per revision, the traffic plan and the events. The strategies
/// (one file each, under Strategies/) and the planner's common paths all go through the few operations here, so that
/// waiting, progress and completion are decided one way.
/// </summary>
internal sealed class RolloutPass(RolloutContext context)
{
    private readonly Dictionary<int, RevisionObservation> _observed = [];

    public RolloutContext Context => context;

    public ApplicationSpec Spec => context.Spec;

    public DateTimeOffset Now => context.Now;

    public int Replicas => context.Spec.Replicas;

    public RolloutStatus Status { get; set; } = context.Status;

    public Dictionary<int, int> DesiredReplicas { get; } = [];

    public TrafficPlan Traffic { get; set; } = TrafficPlan.None;

    public List<RolloutEvent> Events { get; } = [];

    /// <summary>The analysis runs this pass wants (see <see cref="AnalysisGate"/>).</summary>
    public List<AnalysisRunRequest> Analysis { get; } = [];

    /// <summary>The hook runs this pass wants (see <see cref="HookGate"/>).</summary>
    public List<Hooks.HookRunRequest> Hooks { get; } = [];

    public RevisionObservation Observe(int revision)
    {
        if (!_observed.TryGetValue(revision, out var observation))
        {
            observation = context.Observe(revision);
            _observed[revision] = observation;
        }

        return observation;
    }

    /// <summary>
    /// The rollout waits at <paramref name="step"/> for <paramref name="reason"/>; <paramref name="score"/> (available
    /// instances, or a strategy's equivalent) is compared with the best seen at that step to tell progress.
    /// </summary>
    public void Wait(WaitReason reason, int step, int score, string message)
    {
        Status = Status with
        {
            Phase = RolloutPhase.Progressing,
            Reason = reason.ToString(),
            Message = message,
            Progress = (Status.Progress ?? RolloutProgress.Start(Now)).Observe(step, score, Now),
        };
    }

    /// <summary>The updated revision becomes stable and takes all traffic; the previous stable one is scaled down.</summary>
    public void Complete(int updated)
    {
        var previous = Status.StableRevision;
        var history = Status.StableHistory.Where(r => r != updated).Append(updated).TakeLast(RolloutStatus.StableHistoryLength).ToList();
        Status = Status.WithStepsReset() with
        {
            StableRevision = updated,
            Phase = RolloutPhase.Healthy,
            Reason = null,
            Message = null,
            CompletedAt = Now,
            StableHistory = history,
            HooksToRun = Spec.Hooks.Any(h => h.Type == Core.Hooks.HookType.PostPromotion) ? Core.Hooks.HookType.PostPromotion : null,
        };
        if (previous is int p && p != updated && Status.PreviousStableRevision != p)
        {
            DesiredReplicas[p] = 0;
        }

        DesiredReplicas[updated] = Replicas;
        Traffic = TrafficPlan.Weighted((updated, 100));
        Events.Add(new RolloutEvent(updated, Reasons.RolloutCompleted, previous is null
            ? $"revision {updated} is serving"
            : $"revision {updated} replaced revision {previous}"));
    }

    /// <summary>
    /// <see cref="Wait"/> for a rollout with nothing running to go back to (a first deploy, recreate): what would abort
    /// another rollout makes this one Degraded, with the reason, and it keeps trying; it stays Degraded until it completes.
    /// </summary>
    public void WaitOrDegrade(int revision, WaitReason reason, int step, int score, string message)
    {
        var degraded = Status.Phase == RolloutPhase.Degraded ? (Status.Reason, Status.Message) : default;
        Wait(reason, step, score, message);
        if (AbortRules.Check(this, revision) is { } verdict)
        {
            Degrade(revision, verdict.Reason, verdict.Message);
        }
        else if (degraded is { Reason: { } r, Message: { } m })
        {
            Degrade(revision, r, m);
        }
    }

    /// <summary>
    /// Paused by a user: every revision keeps the instances it has — none is started or stopped for the rollout — and
    /// the status says so, unless it is Degraded (a failure stays visible while held). The caller sets the traffic:
    /// what the steps done so far give.
    /// </summary>
    public void Hold(string message)
    {
        foreach (var revision in Context.ObservedRevisions)
        {
            DesiredReplicas[revision] = Observe(revision).Instances;
        }

        if (Status.Phase != RolloutPhase.Degraded)
        {
            Status = Status with { Phase = RolloutPhase.Paused, Reason = Reasons.PausedByUser, Message = message };
        }
    }

    /// <summary>Degraded with <paramref name="reason"/>: recorded as an event when it is new.</summary>
    public void Degrade(int revision, string reason, string message)
    {
        if (Status.Phase != RolloutPhase.Degraded || Status.Reason != reason)
        {
            Events.Add(new RolloutEvent(revision, reason, message));
        }

        Status = Status with { Phase = RolloutPhase.Degraded, Reason = reason, Message = message };
    }

    public void Abort(int revision, string reason, string message)
    {
        var kept = Status.IrreversibleChanges.Where(c => c.Revision == revision).Select(c => c.Describe()).ToList();
        var notUndone = kept.Count == 0 ? "" : $"; not rolled back: {string.Join("; ", kept)}";
        Events.Add(new RolloutEvent(revision, reason, message + "; aborted, traffic back to stable" + notUndone));
        Status = RolloutCommands.MarkAborted(Status, reason, message);
    }
}
