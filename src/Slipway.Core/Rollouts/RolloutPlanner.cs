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

        var status = pass.Status with { Conditions = RolloutConditions.Compute(pass) };
        var (start, stop) = InstanceSelection.Select(pass.DesiredReplicas, context.Instances, status, context.Now, context.MinReady);
        return new RolloutPlan(status, pass.DesiredReplicas, start, stop, pass.Traffic, pass.Events, WakeAt(pass, status));
    }

    private static void Reconcile(RolloutPass pass, int updated)
    {
        if (pass.Status.StableRevision is not int stable)
        {
            ReconcileFirstDeploy(pass, updated);
            return;
        }

        if (updated == stable)
        {
            ReconcileSteady(pass, stable);
            return;
        }

        if (!pass.Status.Aborted)
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
                    RecreatePlanner.Reconcile(pass, updated);
                    return; // nothing runs to go back to: recreate never aborts by itself
                default:
                    throw new InvalidOperationException($"unknown strategy {pass.Spec.Strategy.GetType().Name}");
            }

            if (pass.Status.InProgress && AbortRules.Check(pass, updated) is { } verdict)
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

    /// <summary>When the plan would change by itself, for the reconciler's timer.</summary>
    private static DateTimeOffset? WakeAt(RolloutPass pass, RolloutStatus status)
    {
        var spec = pass.Spec;
        var candidates = new List<DateTimeOffset?>
        {
            status.ScaleDownAt,
            status.Phase == RolloutPhase.Progressing && status.InProgress ? status.Progress?.DeadlineAt(spec.ProgressDeadlineSeconds) : null,
            status.Phase == RolloutPhase.Paused ? CanaryPlanner.PauseEndsAt(status, spec) : null,
        };
        candidates.AddRange(pass.Context.Instances
            .Where(i => i.Ready && !i.Terminating && i.ReadySince is { } since && since + pass.Context.MinReady > pass.Now)
            .Select(i => (DateTimeOffset?)(i.ReadySince!.Value + pass.Context.MinReady)));
        return candidates.Where(c => c > pass.Now).Min();
    }
}
