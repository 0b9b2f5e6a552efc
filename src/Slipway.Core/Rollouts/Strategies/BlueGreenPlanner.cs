using Slipway.Core.Spec;

namespace Slipway.Core.Rollouts.Strategies;

/// <summary>
/// Blue-green: the new revision is brought to full size and served on the preview route only; once it is fully
/// available it either takes all traffic at once (<c>autoPromotionEnabled</c>, the default) or pauses until promoted.
/// The old revision keeps running for <c>scaleDownDelaySeconds</c> so that undo in that window is instant.
/// </summary>
internal static class BlueGreenPlanner
{
    public static void Reconcile(RolloutPass pass, int stable, int updated, BlueGreenStrategy blueGreen)
    {
        pass.DesiredReplicas[stable] = pass.Replicas;
        pass.DesiredReplicas[updated] = pass.Replicas;
        pass.Traffic = Traffic(stable, updated);

        var available = pass.Observe(updated).Available;
        if (available < pass.Replicas)
        {
            pass.Wait(WaitReason.PreviewNotAvailable, 0, available, $"{available}/{pass.Replicas} instances of revision {updated} available on the preview route");
            return;
        }

        var status = pass.Status;
        if (!blueGreen.AutoPromotionEnabled && !status.PromoteRequested && !status.PromoteFull)
        {
            if (status.PauseStartedAt is null)
            {
                pass.Events.Add(new RolloutEvent(updated, Reasons.BlueGreenPause, $"revision {updated} is ready on the preview route; waiting to be promoted"));
            }

            pass.Status = status with
            {
                Phase = RolloutPhase.Paused,
                Reason = Reasons.BlueGreenPause,
                Message = $"revision {updated} is ready on the preview route {blueGreen.PreviewRoute.Host}{blueGreen.PreviewRoute.PathPrefix}; promote to switch",
                PauseStartedAt = status.PauseStartedAt ?? pass.Now,
            };
            return;
        }

        // The switch: all traffic at once; the old revision stays up for scaleDownDelaySeconds.
        pass.Status = status with { PreviousStableRevision = stable, ScaleDownAt = pass.Now.AddSeconds(blueGreen.ScaleDownDelaySeconds) };
        pass.Complete(updated);
        pass.DesiredReplicas[stable] = blueGreen.ScaleDownDelaySeconds > 0 ? pass.Replicas : 0;
    }

    /// <summary>Before the switch: users on the stable revision, the new one on the preview route.</summary>
    public static TrafficPlan Traffic(int stable, int updated) => new([new(stable, 100)], null, null, null, updated);
}
