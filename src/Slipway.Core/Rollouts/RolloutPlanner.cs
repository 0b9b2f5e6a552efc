using Slipway.Core.Spec;

namespace Slipway.Core.Rollouts;

/// <summary>
/// The step machine of every strategy. Pure: given the spec, the persisted status, what runs and
/// the time, it computes the next status, the desired instances per revision and the traffic plan.
/// Called once per reconcile pass; calling it again with the same inputs gives the same answer,
/// so a controller that crashed at any point simply plans again.
/// </summary>
public static class RolloutPlanner
{
    public static RolloutDecision Plan(RolloutContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var pass = new RolloutPass(context);
        pass.Run();
        return pass.Build();
    }
}

/// <summary>One planning pass; mutable only while it runs, like Argo Rollouts' rolloutContext.</summary>
internal sealed class RolloutPass(RolloutContext context)
{
    private readonly ApplicationSpec _spec = context.Spec;
    private readonly DateTimeOffset _now = context.Now;
    private readonly Dictionary<int, int> _replicas = [];
    private readonly List<RolloutEvent> _events = [];
    private RolloutStatus _status = context.Status;
    private TrafficPlan _traffic = new([], null, null, null, null);

    private int Replicas => _spec.Replicas;

    public void Run()
    {
        if (_status.UpdatedRevision is not int updated)
        {
            return;
        }

        if (_status.StableRevision is not int stable)
        {
            ReconcileFirstDeploy(updated);
        }
        else if (updated == stable)
        {
            ReconcileSteady(stable);
        }
        else if (_status.Aborted)
        {
            ReconcileAborted(stable, updated);
        }
        else
        {
            switch (_spec.Strategy)
            {
                case CanaryStrategy canary:
                    ReconcileCanary(stable, updated, canary);
                    break;
                case BlueGreenStrategy blueGreen:
                    ReconcileBlueGreen(stable, updated, blueGreen);
                    break;
                case RollingStrategy rolling:
                    ReconcileRolling(stable, updated, rolling);
                    break;
                case RecreateStrategy:
                    ReconcileRecreate(updated);
                    break;
                default:
                    throw new InvalidOperationException($"unknown strategy {_spec.Strategy.GetType().Name}");
            }
        }
    }

    public RolloutDecision Build()
    {
        _status = _status with { Conditions = ComputeConditions() };
        return new RolloutDecision(_status, _replicas, _traffic, _events);
    }

    private void ReconcileFirstDeploy(int updated)
    {
        _replicas[updated] = Replicas;
        _traffic = Main((updated, 100));
        if (Wait(Observe(updated).Ready >= Replicas, updated, $"{Observe(updated).Ready}/{Replicas} instances of revision {updated} ready", abortOnDeadline: false))
        {
            Complete(updated);
        }
    }

    private void ReconcileSteady(int stable)
    {
        _replicas[stable] = Replicas;
        _traffic = Main((stable, 100));

        // Blue-green keeps the previous revision warm for scaleDownDelaySeconds so that going back is instant.
        if (_status.PreviousStableRevision is int previous && previous != stable)
        {
            if (_status.ScaleDownAt is { } at && _now < at)
            {
                _replicas[previous] = Replicas;
            }
            else
            {
                _status = _status with { PreviousStableRevision = null, ScaleDownAt = null };
            }
        }

        var ready = Observe(stable).Ready;
        if (_status.Phase == RolloutPhase.Degraded && _status.Reason == Reasons.ProgressDeadlineExceeded && ready < Replicas)
        {
            return; // a first deploy that never became ready stays Degraded until it does
        }

        _status = ready >= Replicas
            ? _status with { Phase = RolloutPhase.Healthy, Reason = null, Message = null, WaitingFor = null, WaitingSince = null }
            : _status with { Phase = RolloutPhase.Progressing, Reason = Reasons.InstancesNotReady, Message = $"{ready}/{Replicas} instances of revision {stable} ready" };
    }

    private void ReconcileAborted(int stable, int updated)
    {
        _replicas[stable] = Replicas;
        _traffic = Main((stable, 100));

        // A rolling update that is aborted must not take away the updated instances while the
        // stable ones are too few to carry the traffic: scale back like a reverse rolling update.
        var keepUpdated = _spec.Strategy is RollingStrategy rolling
            && Observe(stable).Ready < Replicas - ResolveUnavailable(rolling);
        _replicas[updated] = keepUpdated ? Observe(updated).Instances : 0;
        if (keepUpdated)
        {
            _traffic = Main((stable, Observe(stable).Ready), (updated, Observe(updated).Ready));
        }

        _status = _status with { Phase = RolloutPhase.Degraded };
    }

    private void ReconcileCanary(int stable, int updated, CanaryStrategy canary)
    {
        _replicas[stable] = Replicas;
        var steps = canary.Steps;
        var index = _status.PromoteFull ? steps.Count : Math.Min(_status.CurrentStepIndex, steps.Count);
        var ready = Observe(updated).Ready;
        var canaryInstances = CanaryInstancesFor(_status.CanaryWeight);

        while (index < steps.Count)
        {
            var step = steps[index];
            var done = step switch
            {
                SetWeightStep w => RunSetWeight(w, updated, ready, index, ref canaryInstances),
                PauseStep p => RunPause(p, index),
                SetHeaderRouteStep h => RunSetHeaderRoute(h, updated, ready, index),
                SetMirrorStep m => RunSetMirror(m, updated, ready, index),
                _ => throw new InvalidOperationException($"unknown canary step {step.GetType().Name}"),
            };
            if (!done)
            {
                break;
            }

            _events.Add(new RolloutEvent(updated, Reasons.StepCompleted, $"step {index + 1}/{steps.Count} done: {Describe(step)}"));
            index++;
            _status = _status with { Phase = RolloutPhase.Progressing, Reason = null, Message = null, CurrentStepIndex = index, PauseStartedAt = null, PromoteRequested = false, WaitingFor = null, WaitingSince = null };
        }

        if (index >= steps.Count)
        {
            // All steps done (or skipped): bring the canary to full size, then move all traffic at once.
            _status = _status with { CurrentStepIndex = steps.Count };
            canaryInstances = Replicas;
            if (Wait(ready >= Replicas, updated, $"{ready}/{Replicas} instances of revision {updated} ready for full promotion"))
            {
                _replicas[updated] = Replicas;
                Complete(updated);
                return;
            }
        }

        _replicas[updated] = Math.Max(1, canaryInstances);
        _traffic = new TrafficPlan(
            [new(stable, 100 - _status.CanaryWeight), new(updated, _status.CanaryWeight)],
            _status.HeaderRoute,
            _status.HeaderRoute is null ? null : updated,
            _status.MirrorPercent > 0 ? new MirrorPlan(updated, _status.MirrorPercent) : null,
            null);
        if (_status.Phase != RolloutPhase.Paused && !_status.Aborted)
        {
            _status = _status with { Phase = RolloutPhase.Progressing, Reason = null, Message = _status.WaitingFor };
        }

        if (_status.Aborted)
        {
            ReconcileAborted(stable, updated);
        }
    }

    private bool RunSetWeight(SetWeightStep step, int updated, int ready, int index, ref int canaryInstances)
    {
        var needed = CanaryInstancesFor(step.Weight);
        canaryInstances = Math.Max(canaryInstances, needed);
        if (!Wait(ready >= needed, updated, $"step {index + 1}: {ready}/{needed} canary instances ready for weight {step.Weight}"))
        {
            return false;
        }

        canaryInstances = needed;
        _status = _status with { CanaryWeight = step.Weight };
        return true;
    }

    private bool RunPause(PauseStep step, int index)
    {
        if (_status.PromoteRequested)
        {
            return true;
        }

        var startedAt = _status.PauseStartedAt ?? _now;
        if (step.Duration is { } duration && _now >= startedAt + duration)
        {
            return true;
        }

        var message = step.Duration is { } d
            ? $"step {index + 1}: paused for {DurationText(d)}, resumes at {startedAt + d:O}"
            : $"step {index + 1}: paused until promoted";
        if (_status.PauseStartedAt is null)
        {
            _events.Add(new RolloutEvent(_status.UpdatedRevision, Reasons.CanaryPauseStep, message));
        }

        _status = _status with { Phase = RolloutPhase.Paused, Reason = Reasons.CanaryPauseStep, Message = message, PauseStartedAt = startedAt, WaitingFor = null, WaitingSince = null };
        return false;
    }

    private bool RunSetHeaderRoute(SetHeaderRouteStep step, int updated, int ready, int index)
    {
        if (step.Match.Count == 0)
        {
            _status = _status with { HeaderRoute = null };
            return true;
        }

        if (!Wait(ready >= 1, updated, $"step {index + 1}: a canary instance ready for header route {step.Name}"))
        {
            return false;
        }

        _status = _status with { HeaderRoute = new HeaderRoutePlan(step.Name, step.Match) };
        return true;
    }

    private bool RunSetMirror(SetMirrorStep step, int updated, int ready, int index)
    {
        if (step.Percentage > 0 && !Wait(ready >= 1, updated, $"step {index + 1}: a canary instance ready for mirroring"))
        {
            return false;
        }

        _status = _status with { MirrorPercent = step.Percentage };
        return true;
    }

    private void ReconcileBlueGreen(int stable, int updated, BlueGreenStrategy blueGreen)
    {
        _replicas[stable] = Replicas;
        _replicas[updated] = Replicas;
        _traffic = new TrafficPlan([new(stable, 100)], null, null, null, updated);

        var ready = Observe(updated).Ready;
        if (!Wait(ready >= Replicas, updated, $"{ready}/{Replicas} instances of revision {updated} ready on the preview route"))
        {
            _status = _status with { Phase = RolloutPhase.Progressing, Reason = null, Message = _status.WaitingFor };
            if (_status.Aborted)
            {
                ReconcileAborted(stable, updated);
            }

            return;
        }

        if (!blueGreen.AutoPromotionEnabled && !_status.PromoteRequested && !_status.PromoteFull)
        {
            if (_status.PauseStartedAt is null)
            {
                _events.Add(new RolloutEvent(updated, Reasons.BlueGreenPause, $"revision {updated} is ready on the preview route; waiting to be promoted"));
            }

            _status = _status with
            {
                Phase = RolloutPhase.Paused,
                Reason = Reasons.BlueGreenPause,
                Message = $"revision {updated} is ready on the preview route {blueGreen.PreviewRoute.Host}{blueGreen.PreviewRoute.PathPrefix}; promote to switch",
                PauseStartedAt = _status.PauseStartedAt ?? _now,
            };
            return;
        }

        // The switch: all traffic at once; the old revision stays up for scaleDownDelaySeconds.
        _status = _status with { PreviousStableRevision = stable, ScaleDownAt = _now.AddSeconds(blueGreen.ScaleDownDelaySeconds) };
        Complete(updated);
        _replicas[stable] = blueGreen.ScaleDownDelaySeconds > 0 ? Replicas : 0;
    }

    private void ReconcileRolling(int stable, int updated, RollingStrategy rolling)
    {
        var surge = rolling.MaxSurge.Resolve(Replicas, roundUp: true);
        var unavailable = ResolveUnavailable(rolling);

        var updatedObserved = Observe(updated);
        var oldRevisions = context.Observed.Keys.Where(r => r != updated).Append(stable).Distinct().OrderBy(r => r == stable ? 1 : 0).ThenBy(r => r).ToList();
        var oldInstances = oldRevisions.Sum(r => Observe(r).Instances);
        var oldReady = oldRevisions.Sum(r => Observe(r).Ready);

        if (updatedObserved.Ready >= Replicas && oldInstances == 0)
        {
            _replicas[updated] = Replicas;
            Complete(updated);
            return;
        }

        // Scale up the updated revision within maxSurge, scale down old ones within maxUnavailable:
        // the Kubernetes Deployment controller's arithmetic.
        var updatedTarget = Math.Min(Replicas, Math.Max(updatedObserved.Instances, Replicas + surge - oldInstances));
        var removableReady = Math.Max(0, updatedObserved.Ready + oldReady - (Replicas - unavailable));
        var remainingRemovable = Math.Min(oldReady, removableReady);
        _replicas[updated] = updatedTarget;
        foreach (var revision in oldRevisions)
        {
            var observed = Observe(revision);
            var notReady = observed.Instances - observed.Ready;
            var removeReady = Math.Min(observed.Ready, remainingRemovable);
            remainingRemovable -= removeReady;
            _replicas[revision] = observed.Instances - notReady - removeReady;
        }

        _traffic = Main(oldRevisions.Append(updated).Select(r => (r, Observe(r).Ready)).ToArray());
        var progress = $"{updatedObserved.Ready}/{Replicas} instances of revision {updated} ready, {oldInstances} old instances left";
        Wait(false, updated, progress);
        if (!_status.Aborted)
        {
            _status = _status with { Phase = RolloutPhase.Progressing, Reason = null, Message = progress };
        }
        else
        {
            ReconcileAborted(stable, updated);
        }
    }

    private void ReconcileRecreate(int updated)
    {
        var others = context.Observed.Where(o => o.Key != updated).ToList();
        _traffic = Main((updated, 100));
        if (others.Any(o => o.Value.Instances + o.Value.Terminating > 0))
        {
            foreach (var (revision, _) in others)
            {
                _replicas[revision] = 0;
            }

            _replicas[updated] = 0;
            _status = _status with { Phase = RolloutPhase.Progressing, Reason = null, Message = "stopping the old instances" };
            return;
        }

        _replicas[updated] = Replicas;
        var ready = Observe(updated).Ready;
        if (Wait(ready >= Replicas, updated, $"{ready}/{Replicas} instances of revision {updated} ready", abortOnDeadline: false))
        {
            Complete(updated);
        }
        else if (_status.Phase != RolloutPhase.Degraded)
        {
            _status = _status with { Phase = RolloutPhase.Progressing, Reason = null, Message = _status.WaitingFor };
        }
    }

    /// <summary>
    /// Records that the rollout waits for <paramref name="what"/>; progress (a different wait) restarts
    /// the deadline clock. Past progressDeadlineSeconds without progress the rollout aborts.
    /// Returns whether the condition already holds.
    /// </summary>
    private bool Wait(bool satisfied, int updated, string what, bool abortOnDeadline = true)
    {
        if (satisfied)
        {
            _status = _status with { WaitingFor = null, WaitingSince = null };
            return true;
        }

        if (_status.WaitingFor != what || _status.WaitingSince is null)
        {
            _status = _status with { WaitingFor = what, WaitingSince = _now };
            return false;
        }

        var deadline = TimeSpan.FromSeconds(_spec.ProgressDeadlineSeconds);
        if (_now - _status.WaitingSince.Value < deadline || _status.Aborted)
        {
            return false;
        }

        var message = $"revision {updated} made no progress within progressDeadlineSeconds ({_spec.ProgressDeadlineSeconds}s): {what}";
        if (!abortOnDeadline || _status.StableRevision is null)
        {
            if (_status.Phase != RolloutPhase.Degraded)
            {
                _events.Add(new RolloutEvent(updated, Reasons.ProgressDeadlineExceeded, message));
            }

            _status = _status with { Phase = RolloutPhase.Degraded, Reason = Reasons.ProgressDeadlineExceeded, Message = message };
            return false;
        }

        _events.Add(new RolloutEvent(updated, Reasons.ProgressDeadlineExceeded, message + "; aborted, traffic back to stable"));
        _status = RolloutCommands.MarkAborted(_status, Reasons.ProgressDeadlineExceeded, message);
        return false;
    }

    private void Complete(int updated)
    {
        var previous = _status.StableRevision;
        _status = _status.WithStepsReset() with
        {
            StableRevision = updated,
            Phase = RolloutPhase.Healthy,
            Reason = null,
            Message = null,
            CompletedAt = _now,
        };
        if (previous is int p && p != updated && _status.PreviousStableRevision != p)
        {
            _replicas[p] = 0;
        }

        _replicas[updated] = Replicas;
        _traffic = Main((updated, 100));
        _events.Add(new RolloutEvent(updated, Reasons.RolloutCompleted, previous is null
            ? $"revision {updated} is serving"
            : $"revision {updated} replaced revision {previous}"));
    }

    private int CanaryInstancesFor(int weight) =>
        weight <= 0 ? 1 : Math.Max(1, (int)Math.Ceiling(Replicas * weight / 100.0));

    private int ResolveUnavailable(RollingStrategy rolling)
    {
        var unavailable = rolling.MaxUnavailable.Resolve(Replicas, roundUp: false);
        // Both resolving to zero would deadlock; Kubernetes then allows one unavailable instance.
        return unavailable == 0 && rolling.MaxSurge.Resolve(Replicas, roundUp: true) == 0 ? 1 : unavailable;
    }

    private RevisionObservation Observe(int revision) => context.Observe(revision);

    private static TrafficPlan Main(params (int Revision, int Weight)[] weights) =>
        new(weights.Select(w => new WeightedRevision(w.Revision, w.Weight)).ToList(), null, null, null, null);

    private IReadOnlyList<RolloutCondition> ComputeConditions()
    {
        var stableReady = _status.StableRevision is int s ? Observe(s).Ready : 0;
        var conditions = new List<RolloutCondition>
        {
            Condition("Available", stableReady >= Replicas && Replicas > 0 || Replicas == 0, stableReady >= Replicas ? "InstancesReady" : Reasons.InstancesNotReady, $"{stableReady}/{Replicas} instances of the stable revision ready"),
            Condition("Progressing", _status.InProgress && !_status.Aborted, _status.Reason, _status.Message),
            Condition("Paused", _status.Phase == RolloutPhase.Paused, _status.Phase == RolloutPhase.Paused ? _status.Reason : null, null),
            Condition("Aborted", _status.Aborted, _status.Aborted ? _status.Reason : null, _status.Aborted ? _status.Message : null),
        };
        return conditions;
    }

    private RolloutCondition Condition(string type, bool value, string? reason, string? message)
    {
        var previous = context.Status.Conditions.FirstOrDefault(c => c.Type == type);
        var since = previous is not null && previous.Status == value ? previous.LastTransitionTime : _now;
        return new RolloutCondition(type, value, reason, message, since);
    }

    private static string Describe(CanaryStep step) => step switch
    {
        SetWeightStep w => $"setWeight {w.Weight}",
        PauseStep { Duration: { } d } => $"pause {DurationText(d)}",
        PauseStep => "pause until promoted",
        SetHeaderRouteStep h => h.Match.Count == 0 ? $"remove header route {h.Name}" : $"setHeaderRoute {h.Name}",
        SetMirrorStep m => $"setMirror {m.Percentage}%",
        _ => step.GetType().Name,
    };

    private static string DurationText(TimeSpan d) =>
        d.TotalSeconds < 1 ? $"{d.TotalMilliseconds:0}ms" : $"{d.TotalSeconds:0.###}s";
}
