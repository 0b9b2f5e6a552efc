using Slipway.Core.Spec;

namespace Slipway.Core.Rollouts.Strategies;

/// <summary>
/// Rolling: the Kubernetes Deployment controller's arithmetic. The updated revision scales up within
/// <c>maxSurge</c> (rounded up) and old revisions scale down within <c>maxUnavailable</c> (rounded down) counting
/// available instances; both resolving to zero allows one unavailable instance. Traffic is spread over every ready
/// instance of every revision. The final promotion, which waits for the <c>confirmPromotion</c> hooks, is the batch that
/// stops the last instances of the old revisions.
/// </summary>
internal static class RollingPlanner
{
    public static void Reconcile(RolloutPass pass, int stable, int updated, RollingStrategy rolling)
    {
        var replicas = pass.Replicas;
        var surge = rolling.MaxSurge.Resolve(replicas, roundUp: true);
        var unavailable = ResolveUnavailable(rolling, replicas);

        var updatedObserved = pass.Observe(updated);
        var oldRevisions = OldRevisions(pass, stable, updated);
        var oldInstances = oldRevisions.Sum(r => pass.Observe(r).Instances);
        var oldAvailable = oldRevisions.Sum(r => pass.Observe(r).Available);

        if (updatedObserved.Available >= replicas && oldInstances == 0)
        {
            pass.Complete(updated);
            return;
        }

        var updatedTarget = Math.Min(replicas, Math.Max(updatedObserved.Instances, replicas + surge - oldInstances));
        var removable = Math.Max(0, updatedObserved.Available + oldAvailable - (replicas - unavailable));
        var remaining = Math.Min(oldAvailable, removable);
        pass.DesiredReplicas[updated] = updatedTarget;
        foreach (var revision in oldRevisions)
        {
            // Instances that are not available go first: removing them costs no capacity.
            var observed = pass.Observe(revision);
            var notAvailable = observed.Instances - observed.Available;
            var removeAvailable = Math.Min(observed.Available, remaining);
            remaining -= removeAvailable;
            pass.DesiredReplicas[revision] = observed.Instances - notAvailable - removeAvailable;
        }

        // The final promotion is the batch that stops the last old instances: held until confirmed, with one old
        // instance serving beside the new ones.
        if (oldInstances > 0 && oldRevisions.Sum(r => pass.DesiredReplicas[r]) == 0
            && !HookGate.ConfirmPromotion(pass, updated, $"the last batch (the old revisions' last instances stop)"))
        {
            var keep = oldRevisions.Where(r => pass.Observe(r).Instances > 0).OrderByDescending(r => pass.Observe(r).Available).ThenBy(r => r == stable ? 0 : 1).First();
            pass.DesiredReplicas[keep] = 1;
            pass.Traffic = Traffic(pass, stable, updated);
            return;
        }

        pass.Traffic = Traffic(pass, stable, updated);
        var score = updatedObserved.Available + Math.Max(0, replicas - oldInstances);
        pass.Wait(WaitReason.RollingUpdate, 0, score, $"{updatedObserved.Available}/{replicas} instances of revision {updated} available, {oldInstances} old instances left");
    }

    /// <summary>Spread over every ready instance of every revision, in proportion.</summary>
    public static TrafficPlan Traffic(RolloutPass pass, int stable, int updated) =>
        TrafficPlan.Weighted(OldRevisions(pass, stable, updated).Append(updated).Select(r => (r, pass.Observe(r).Ready)).ToArray());

    /// <summary>Every revision but the updated one, the stable one last: the order they are scaled down in.</summary>
    private static List<int> OldRevisions(RolloutPass pass, int stable, int updated) =>
        pass.Context.ObservedRevisions.Where(r => r != updated).Append(stable).Distinct()
            .OrderBy(r => r == stable ? 1 : 0).ThenBy(r => r).ToList();

    public static int ResolveUnavailable(RollingStrategy rolling, int replicas)
    {
        var unavailable = rolling.MaxUnavailable.Resolve(replicas, roundUp: false);

        // Both resolving to zero would deadlock; Kubernetes then allows one unavailable instance.
        return unavailable == 0 && rolling.MaxSurge.Resolve(replicas, roundUp: true) == 0 ? 1 : unavailable;
    }
}
