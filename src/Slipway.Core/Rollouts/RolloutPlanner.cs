using Slipway.Core.Spec;
using Slipway.Core.Rollouts.Strategies;

namespace Slipway.Core.Rollouts;

/// <summary>
/// The only owner of rollout decisions. Pure: given the spec, the persisted status, the observed instances and the
/// time, it computes the complete plan — the next status, where traffic goes, which instances to start, which to
/// drain and in which order, the events. Calling it again with the same inputs gives the same answer, so a
/// controller that crashed at any point simply plans again.
/// </summary>
/// <remarks>
/// A pass reads as Argo Rollouts' <c>rolloutCanary()</c>: the common paths (first deploy, steady state, aborted) are
/// here; each strategy's step machine is in its own file under Strategies/; <see cref="AbortRules"/> decides aborts;
/// <see cref="InstanceSelection"/> turns desired counts into instances to start and stop.
/// </remarks>
public static class RolloutPlanner
{
    public static RolloutPlan Plan(RolloutContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var pass = new RolloutPass(context);
        if (pass.Status.UpdatedRevision is int updated)
        {
            Reconcile(pass, updated);
        }

        HookGate.FollowUps(pass);

        var status = pass.Status with { Conditions = RolloutConditions.Compute(pass) };
        var (start, stop) = InstanceSelection.Select(pass.DesiredReplicas, context.Instances, status, context.Now, context.MinReady);
        status = RecordIrreversible(pass, status, start);
        return new RolloutPlan(status, pass.DesiredReplicas, start, stop, pass.Traffic, pass.Events, WakeAt(pass, status))
        {
            Analysis = status.InProgress && !status.Aborted ? pass.Analysis : [],
            Hooks = pass.Hooks,
            Health = HealthCheck.Of(pass),
        };
    }

    /// <summary>
    /// Records the irreversible changes this pass learns of, once each, so that rolling back past them needs
    /// <c>--force</c> from then on: a release declared irreversible makes its change when its code first runs (the pass
    /// that starts its first instance), an irreversible hook (a migration) when it has succeeded.
    /// </summary>
    private static RolloutStatus RecordIrreversible(RolloutPass pass, RolloutStatus status, IReadOnlyDictionary<int, int> start)
    {
        if (pass.Spec.Template.Irreversible is { } irreversible
            && status.UpdatedRevision is int updated
            && start.GetValueOrDefault(updated) > 0
            && !status.IrreversibleChanges.Any(c => c.Revision == updated && c.Hook is null))
        {
            pass.Events.Add(new RolloutEvent(updated, Reasons.IrreversibleChange, $"revision {updated} starts: a rollback will not undo what it changes ({irreversible.Reason})"));
            status = IrreversibleChange.Record(status, new IrreversibleChange(updated, irreversible.Reason, null, pass.Now));
        }

        foreach (var run in pass.Context.Hooks.Where(h => h.Phase == Hooks.HookPhase.Succeeded))
        {
            var key = run.Key;
            if (pass.Spec.Hooks.FirstOrDefault(h => h.Name == key.Hook && h.Type == key.Type)?.Irreversible is not { } hook
                || status.IrreversibleChanges.Any(c => c.Revision == key.Revision && c.Hook == key.Hook))
            {
                continue;
            }

            pass.Events.Add(new RolloutEvent(key.Revision, Reasons.IrreversibleChange, $"hook {key.Hook} of revision {key.Revision} succeeded: a rollback will not undo what it changed ({hook.Reason})"));
            status = IrreversibleChange.Record(status, new IrreversibleChange(key.Revision, hook.Reason, key.Hook, pass.Now));
        }

        return status;
    }

    private static void Reconcile(RolloutPass pass, int updated)
    {
        if (pass.Status.StableRevision is not int stable)
        {
            if (pass.Status.PausedByUser)
            {
                ReconcileHeld(pass, null, updated);
                return;
            }

            ReconcileFirstDeploy(pass, updated);
            return;
        }

        if (updated == stable)
        {
            ReconcileSteady(pass, stable);
            return;
        }

        if (!pass.Status.Aborted && pass.Status.PausedByUser)
        {
            if (ReconcileHeld(pass, stable, updated) is { } verdict)
            {
                pass.Abort(updated, verdict.Reason, verdict.Message);
            }
        }
        else if (!pass.Status.Aborted && !HookGate.BeforeStart(pass, updated))
        {
            // Waiting for a confirmation or a preRollout hook: nothing of the new revision starts, no traffic moves.
            if (!pass.Status.Aborted)
            {
                HookGate.KeepServing(pass, stable, updated);
            }
        }
        else if (!pass.Status.Aborted)
        {
            switch (pass.Spec.Strategy)
            {
                case CanaryStrategy canary:
                    CanaryPlanner.Reconcile(pass, stable, updated, canary);
                    break;
                case BlueGreenStrategy blueGreen:
                    BlueGreenPlanner.Reconcile(pass, stable, updated, blueGreen);
                    break;
                case RollingStrategy rolling:
                    RollingPlanner.Reconcile(pass, stable, updated, rolling);
                    break;
                case RecreateStrategy:
                    RecreatePlanner.Reconcile(pass, stable, updated);
                    return; // nothing runs to go back to: recreate never aborts by itself
                default:
                    throw new InvalidOperationException($"unknown strategy {pass.Spec.Strategy.GetType().Name}");
            }

            if (pass.Status.InProgress && !pass.Status.Aborted && AbortRules.Check(pass, updated) is { } verdict)
            {
                pass.Abort(updated, verdict.Reason, verdict.Message);
            }
        }

        if (pass.Status.Aborted)
        {
            ReconcileAborted(pass, stable, updated);
        }
    }

    private static void ReconcileFirstDeploy(RolloutPass pass, int updated)
    {
        if (pass.Status.Aborted && pass.Observe(updated).Instances == 0)
        {
            // Aborted before anything of it started (a preRollout hook failed): nothing starts; retry starts it again.
            pass.DesiredReplicas[updated] = 0;
            pass.Status = pass.Status with { Phase = RolloutPhase.Degraded };
            return;
        }

        if (!HookGate.BeforeStart(pass, updated))
        {
            pass.DesiredReplicas[updated] = 0;
            return;
        }

        pass.DesiredReplicas[updated] = pass.Replicas;
        pass.Traffic = TrafficPlan.Weighted((updated, 100));
        var available = pass.Observe(updated).Available;
        if (available >= pass.Replicas)
        {
            pass.Complete(updated);
            return;
        }

        pass.WaitOrDegrade(updated, WaitReason.InstancesNotAvailable, 0, available, $"{available}/{pass.Replicas} instances of revision {updated} available");
    }

    private static void ReconcileSteady(RolloutPass pass, int stable)
    {
        pass.DesiredReplicas[stable] = pass.Replicas;
        pass.Traffic = TrafficPlan.Weighted((stable, 100));

        // Blue-green keeps the previous revision warm for scaleDownDelaySeconds so that going back is instant.
        if (pass.Status.PreviousStableRevision is int previous && previous != stable)
        {
            if (pass.Status.ScaleDownAt is { } at && pass.Now < at)
            {
                pass.DesiredReplicas[previous] = pass.Replicas;
            }
            else
            {
                pass.Status = pass.Status with { PreviousStableRevision = null, ScaleDownAt = null };
            }
        }

        // Serving, not promoting: ready instances are enough (a restarted stable instance is not a failed rollout).
        var ready = pass.Observe(stable).Ready;
        pass.Status = ready >= pass.Replicas
            ? pass.Status with { Phase = RolloutPhase.Healthy, Reason = null, Message = null, Progress = null }
            : pass.Status with { Phase = RolloutPhase.Progressing, Reason = Reasons.InstancesNotReady, Message = $"{ready}/{pass.Replicas} instances of revision {stable} ready" };

        // Nothing rolls out to hold, but the pause stays visible: the next revision applied waits for a resume.
        if (pass.Status.PausedByUser)
        {
            pass.Status = pass.Status with
            {
                Phase = RolloutPhase.Paused,
                Reason = Reasons.PausedByUser,
                Message = $"paused by a user with revision {stable} serving ({ready}/{pass.Replicas} instances ready); a new revision waits until resumed",
            };
        }
    }

    /// <summary>
    /// A rollout paused by a user: held where it is — the traffic the steps done so far give, the instances each
    /// revision has — while the abort rules keep applying. Returns their verdict when the rollout must abort; with
    /// nothing running to go back to (a first deploy, recreate) the verdict makes it Degraded instead, as when not held.
    /// </summary>
    private static AbortVerdict? ReconcileHeld(RolloutPass pass, int? stable, int updated)
    {
        pass.Traffic = stable is not int s ? TrafficPlan.Weighted((updated, 100)) : pass.Spec.Strategy switch
        {
            CanaryStrategy => CanaryPlanner.Traffic(pass.Status, s, updated),
            BlueGreenStrategy => pass.Status.SwitchedAt is null ? BlueGreenPlanner.Traffic(s, updated) : TrafficPlan.Weighted((updated, 100)),
            RollingStrategy => RollingPlanner.Traffic(pass, s, updated),
            // Held before or while the old instances stop: whichever revision has ready instances keeps serving.
            RecreateStrategy => TrafficPlan.Weighted(pass.Context.ObservedRevisions.Select(r => (r, pass.Observe(r).Ready)).ToArray()),
            _ => throw new InvalidOperationException($"unknown strategy {pass.Spec.Strategy.GetType().Name}"),
        };
        pass.Hold(HeldMessage(pass, stable, updated));
        HookGate.Hold(pass);
        var analysis = stable is null ? null : AnalysisGate.Hold(pass);
        if ((AbortRules.Check(pass, updated) ?? analysis) is not { } verdict)
        {
            return null;
        }

        if (stable is null || pass.Spec.Strategy is RecreateStrategy)
        {
            pass.Degrade(updated, verdict.Reason, verdict.Message);
            return null;
        }

        return verdict;
    }

    private static string HeldMessage(RolloutPass pass, int? stable, int updated)
    {
        if (stable is not null && pass.Spec.Strategy is CanaryStrategy { Steps.Count: > 0 } canary)
        {
            var index = pass.Status.CurrentStepIndex;
            return index < canary.Steps.Count
                ? $"paused by a user at {CanaryStepText.Position(canary.Steps, index)}; resume to go on"
                : $"paused by a user after the last step, before revision {updated} takes all traffic; resume to go on";
        }

        return $"paused by a user while revision {updated} rolls out; resume to go on";
    }

    /// <summary>Traffic back on stable in this very pass, the new revision scaled down; Degraded with the abort's reason.</summary>
    private static void ReconcileAborted(RolloutPass pass, int stable, int updated)
    {
        pass.DesiredReplicas[stable] = pass.Replicas;
        pass.Traffic = TrafficPlan.Weighted((stable, 100));

        // A rolling update that is aborted must not take away the updated instances while the stable ones are too
        // few to carry the traffic: it scales back like a reverse rolling update.
        var keepUpdated = pass.Spec.Strategy is RollingStrategy rolling
            && pass.Observe(stable).Available < pass.Replicas - RollingPlanner.ResolveUnavailable(rolling, pass.Replicas);
        pass.DesiredReplicas[updated] = keepUpdated ? pass.Observe(updated).Instances : 0;
        if (keepUpdated)
        {
            pass.Traffic = TrafficPlan.Weighted((stable, pass.Observe(stable).Ready), (updated, pass.Observe(updated).Ready));
        }

        pass.Status = pass.Status with { Phase = RolloutPhase.Degraded };
    }

    /// <summary>
    /// When the timed pause the rollout is in ends by itself (a canary <c>pause</c> step with a duration); null when it
    /// is in none, or when a user holds it (the step's clock runs on, but nothing goes on before a resume).
    /// </summary>
    public static DateTimeOffset? PauseEndsAt(RolloutStatus status, ApplicationSpec spec)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(spec);
        return status.PausedByUser || !status.InProgress || status.Aborted ? null : CanaryPlanner.PauseEndsAt(status, spec);
    }

    /// <summary>When the plan would change by itself, for the reconciler's timer.</summary>
    private static DateTimeOffset? WakeAt(RolloutPass pass, RolloutStatus status)
    {
        var spec = pass.Spec;
        var candidates = new List<DateTimeOffset?>
        {
            status.ScaleDownAt,
            status.Phase == RolloutPhase.Progressing && status.InProgress ? status.Progress?.DeadlineAt(spec.ProgressDeadlineSeconds) : null,
            status.Phase == RolloutPhase.Paused ? PauseEndsAt(status, spec) : null,
        };
        candidates.AddRange(pass.Context.Instances
            .Where(i => i.Ready && !i.Terminating && i.ReadySince is { } since && since + pass.Context.MinReady > pass.Now)
            .Select(i => (DateTimeOffset?)(i.ReadySince!.Value + pass.Context.MinReady)));
        return candidates.Where(c => c > pass.Now).Min();
    }
}
