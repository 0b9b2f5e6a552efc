namespace Slipway.Core.Rollouts.Strategies;

/// <summary>
/// Recreate: every old instance is stopped, then the new ones start. There is downtime by design and nothing left
/// running to go back to, so a failing recreate is Degraded (with its reason) and keeps trying instead of aborting.
/// Its final promotion, which waits for the <c>confirmPromotion</c> hooks, is the stop of the old instances.
/// </summary>
internal static class RecreatePlanner
{
    public static void Reconcile(RolloutPass pass, int stable, int updated)
    {
        var others = pass.Context.ObservedRevisions.Where(r => r != updated).ToList();

        // Stopping the old instances is recreate's final promotion: it waits for the confirmPromotion hooks.
        if (pass.Observe(updated).Instances == 0 && others.Any(r => pass.Observe(r).Instances > 0)
            && !HookGate.ConfirmPromotion(pass, updated, $"the stop of the old instances, for revision {updated} to start"))
        {
            HookGate.KeepServing(pass, stable, updated);
            return;
        }

        pass.Traffic = TrafficPlan.Weighted((updated, 100));
        if (others.Any(r => pass.Observe(r) is { Instances: > 0 } or { Terminating: > 0 }))
        {
            foreach (var revision in others)
            {
                pass.DesiredReplicas[revision] = 0;
            }

            pass.DesiredReplicas[updated] = 0;
            pass.Wait(WaitReason.OldInstancesStopping, 0, 0, "stopping the old instances");
            return;
        }

        pass.DesiredReplicas[updated] = pass.Replicas;
        var available = pass.Observe(updated).Available;
        if (available >= pass.Replicas)
        {
            pass.Complete(updated);
            return;
        }

        pass.WaitOrDegrade(updated, WaitReason.InstancesNotAvailable, 1, available, $"{available}/{pass.Replicas} instances of revision {updated} available");
    }
}
