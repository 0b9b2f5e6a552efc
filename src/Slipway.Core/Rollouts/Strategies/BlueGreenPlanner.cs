using Slipway.Core.Analysis;
using Slipway.Core.Spec;

namespace Slipway.Core.Rollouts.Strategies;

/// <summary>
/// Blue-green: the new revision is brought to full size and served on the preview route only; once it is fully
/// available it either takes all traffic at once (<c>autoPromotionEnabled</c>, the default) or pauses until promoted.
/// The old revision keeps running for <c>scaleDownDelaySeconds</c> so that undo in that window is instant.
/// <para>
/// Analysis: a pre-promotion analysis runs on the preview once it is fully available, and the switch waits for it to
/// succeed (a failure aborts: the old revision never stopped serving). A post-promotion analysis runs after the
/// switch, with the old revision still at full size; the rollout completes when it succeeds, and a failure switches
/// back at once.
/// </para>
/// </summary>
internal static class BlueGreenPlanner
{
    public static void Reconcile(RolloutPass pass, int stable, int updated, BlueGreenStrategy blueGreen)
    {
        pass.DesiredReplicas[stable] = pass.Replicas;
        pass.DesiredReplicas[updated] = pass.Replicas;
        pass.Traffic = Traffic(stable, updated);
        if (pass.Status.SwitchedAt is not null && blueGreen.PostPromotionAnalysis is { } post)
        {
            ReconcileSwitched(pass, stable, updated, blueGreen, post);
            return;
        }

        var available = pass.Observe(updated).Available;
        if (available < pass.Replicas)
        {
            pass.Wait(WaitReason.PreviewNotAvailable, 0, available, $"{available}/{pass.Replicas} instances of revision {updated} available on the preview route");
            return;
        }

        if (!pass.Status.PromoteFull && blueGreen.PrePromotionAnalysis is { } pre
            && !AnalysisGate.Passes(pass, updated, AnalysisGate.Check(pass, AnalysisKind.PrePromotion, updated, pre), $"revision {updated} is ready on the preview route"))
        {
            return;
        }

        // The final promotion is the switch: it waits for the confirmPromotion hooks (a promote confirms it too, and
        // also ends the pause below).
        if (!HookGate.ConfirmPromotion(pass, updated, $"the switch to revision {updated}"))
        {
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

        if (!status.PromoteFull && blueGreen.PostPromotionAnalysis is { } postPromotion)
        {
            // The switch, on probation: the old revision stays at full size until the analysis has judged the new one.
            pass.Events.Add(new RolloutEvent(updated, Reasons.AnalysisRunning, $"switched to revision {updated}; post-promotion analysis starts"));
            pass.Status = status with { SwitchedAt = pass.Now, PromoteRequested = false, PauseStartedAt = null };
            ReconcileSwitched(pass, stable, updated, blueGreen, postPromotion);
            return;
        }

        Switch(pass, stable, updated, blueGreen);
    }

    /// <summary>Before the switch: users on the stable revision, the new one on the preview route.</summary>
    public static TrafficPlan Traffic(int stable, int updated) => new([new(stable, 100)], null, null, null, updated);

    /// <summary>After the switch, while the post-promotion analysis runs: users on the new revision, the old one warm.</summary>
    private static void ReconcileSwitched(RolloutPass pass, int stable, int updated, BlueGreenStrategy blueGreen, AnalysisRef post)
    {
        pass.Traffic = TrafficPlan.Weighted((updated, 100));
        if (AnalysisGate.Passes(pass, updated, AnalysisGate.Check(pass, AnalysisKind.PostPromotion, updated, post), $"switched to revision {updated}"))
        {
            Switch(pass, stable, updated, blueGreen);
        }
    }

    /// <summary>The switch made final: all traffic on the new revision; the old one stays up for scaleDownDelaySeconds.</summary>
    private static void Switch(RolloutPass pass, int stable, int updated, BlueGreenStrategy blueGreen)
    {
        var status = pass.Status;
        pass.Status = status with { PreviousStableRevision = stable, ScaleDownAt = pass.Now.AddSeconds(blueGreen.ScaleDownDelaySeconds) };
        pass.Complete(updated);
        pass.DesiredReplicas[stable] = blueGreen.ScaleDownDelaySeconds > 0 ? pass.Replicas : 0;
    }
}
