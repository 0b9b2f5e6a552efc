using Slipway.Core.Spec;

namespace Slipway.Core.Rollouts.Strategies;

/// <summary>
/// Canary: steps in the spec, the current step index in the status. Weights are applied at the router, not by replica
/// ratio: the stable revision keeps all its replicas and the canary gets <c>ceil(replicas × weight / 100)</c> instances
/// (at least one). A step that moves traffic waits until the canary instances it needs are available (ready for
/// <c>minReadySeconds</c>); after the last step the canary is brought to full size, fully available, and then takes
/// all traffic at once.
/// </summary>
internal static class CanaryPlanner
{
    public static void Reconcile(RolloutPass pass, int stable, int updated, CanaryStrategy canary)
    {
        pass.DesiredReplicas[stable] = pass.Replicas;
        var steps = canary.Steps;
        var index = pass.Status.PromoteFull ? steps.Count : Math.Min(pass.Status.CurrentStepIndex, steps.Count);
        var available = pass.Observe(updated).Available;
        var canaryInstances = InstancesFor(pass, pass.Status.CanaryWeight);

        while (index < steps.Count)
        {
            var step = steps[index];
            var done = step switch
            {
                SetWeightStep w => RunSetWeight(pass, w, index, available, ref canaryInstances),
                PauseStep p => RunPause(pass, p, index),
                SetHeaderRouteStep h => RunSetHeaderRoute(pass, h, index, available),
                SetMirrorStep m => RunSetMirror(pass, m, index, available),
                _ => throw new InvalidOperationException($"unknown canary step {step.GetType().Name}"),
            };
            if (!done)
            {
                break;
            }

            pass.Events.Add(new RolloutEvent(updated, Reasons.StepCompleted, $"step {index + 1}/{steps.Count} done: {CanaryStepText.Describe(step)}"));
            index++;
            pass.Status = pass.Status with { Phase = RolloutPhase.Progressing, Reason = null, Message = null, CurrentStepIndex = index, PauseStartedAt = null, PromoteRequested = false };
        }

        if (index >= steps.Count)
        {
            // All steps done (or skipped): bring the canary to full size, fully available, then move all traffic at once.
            pass.Status = pass.Status with { CurrentStepIndex = steps.Count };
            canaryInstances = pass.Replicas;
            if (available >= pass.Replicas)
            {
                pass.Complete(updated);
                return;
            }

            pass.Wait(WaitReason.InstancesNotAvailable, steps.Count, available, $"{available}/{pass.Replicas} instances of revision {updated} available for full promotion");
        }

        pass.DesiredReplicas[updated] = Math.Max(1, canaryInstances);
        pass.Traffic = Traffic(pass.Status, stable, updated);
    }

    /// <summary>Where the steps done so far send traffic: the canary weight, header route and mirror of the status.</summary>
    public static TrafficPlan Traffic(RolloutStatus status, int stable, int updated) => new(
        [new(stable, 100 - status.CanaryWeight), new(updated, status.CanaryWeight)],
        status.HeaderRoute,
        status.HeaderRoute is null ? null : updated,
        status.MirrorPercent > 0 ? new MirrorPlan(updated, status.MirrorPercent) : null,
        null);

    /// <summary>When the current timed pause ends; null when the rollout is not in one.</summary>
    public static DateTimeOffset? PauseEndsAt(RolloutStatus status, ApplicationSpec spec) =>
        spec.Strategy is CanaryStrategy canary
        && status.PauseStartedAt is { } started
        && status.CurrentStepIndex < canary.Steps.Count
        && canary.Steps[status.CurrentStepIndex] is PauseStep { Duration: { } duration }
            ? started + duration
            : null;

    private static bool RunSetWeight(RolloutPass pass, SetWeightStep step, int index, int available, ref int canaryInstances)
    {
        var needed = InstancesFor(pass, step.Weight);
        canaryInstances = Math.Max(canaryInstances, needed);
        if (available < needed)
        {
            pass.Wait(WaitReason.CanaryNotAvailable, index, available, $"step {index + 1}: {available}/{needed} canary instances available for weight {step.Weight}");
            return false;
        }

        canaryInstances = needed;
        pass.Status = pass.Status with { CanaryWeight = step.Weight };
        return true;
    }

    private static bool RunPause(RolloutPass pass, PauseStep step, int index)
    {
        var status = pass.Status;
        if (status.PromoteRequested)
        {
            return true;
        }

        var startedAt = status.PauseStartedAt ?? pass.Now;
        if (step.Duration is { } duration && pass.Now >= startedAt + duration)
        {
            return true;
        }

        var message = step.Duration is { } d
            ? $"step {index + 1}: paused for {DurationParser.Format(d)}, resumes at {(startedAt + d).UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}"
            : $"step {index + 1}: paused until promoted";
        if (status.PauseStartedAt is null)
        {
            pass.Events.Add(new RolloutEvent(status.UpdatedRevision, Reasons.CanaryPauseStep, message));
        }

        pass.Status = status with { Phase = RolloutPhase.Paused, Reason = Reasons.CanaryPauseStep, Message = message, PauseStartedAt = startedAt };
        return false;
    }

    private static bool RunSetHeaderRoute(RolloutPass pass, SetHeaderRouteStep step, int index, int available)
    {
        if (step.Match.Count == 0)
        {
            pass.Status = pass.Status with { HeaderRoute = null };
            return true;
        }

        if (available < 1)
        {
            pass.Wait(WaitReason.CanaryNotAvailable, index, available, $"step {index + 1}: a canary instance available for header route {step.Name}");
            return false;
        }

        pass.Status = pass.Status with { HeaderRoute = new HeaderRoutePlan(step.Name, step.Match) };
        return true;
    }

    private static bool RunSetMirror(RolloutPass pass, SetMirrorStep step, int index, int available)
    {
        if (step.Percentage > 0 && available < 1)
        {
            pass.Wait(WaitReason.CanaryNotAvailable, index, available, $"step {index + 1}: a canary instance available for mirroring");
            return false;
        }

        pass.Status = pass.Status with { MirrorPercent = step.Percentage };
        return true;
    }

    private static int InstancesFor(RolloutPass pass, int weight) =>
        weight <= 0 ? 1 : Math.Max(1, (int)Math.Ceiling(pass.Replicas * weight / 100.0));
}
