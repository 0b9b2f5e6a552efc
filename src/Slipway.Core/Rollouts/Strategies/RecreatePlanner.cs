namespace Slipway.Core.Rollouts.Strategies;

/// <summary>
/// Recreate: every old instance is stopped, then the new ones start. There is downtime by design and nothing left
/// running to go back to, so a failing recreate is Degraded (with its reason) and keeps trying instead of aborting.
/// </summary>
internal static class RecreatePlanner
{
    public static void Reconcile(RolloutPass pass, int updated)
    {
        pass.Traffic = TrafficPlan.Weighted((updated, 100));
        var others = pass.Context.ObservedRevisions.Where(r => r != updated).ToList();
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
