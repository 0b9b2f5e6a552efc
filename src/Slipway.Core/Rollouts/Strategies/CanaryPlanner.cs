using Slipway.Core.Analysis;
using Slipway.Core.Spec;

namespace Slipway.Core.Rollouts.Strategies;

/// <summary>
/// Canary: steps in the spec, the current step index in the status. Weights are applied at the router, not by replica
/// ratio: the stable revision keeps all its replicas and the canary gets <c>ceil(replicas × weight / 100)</c> instances
/// (at least one). A step that moves traffic waits until the canary instances it needs are available (ready for
/// <c>minReadySeconds</c>); after the last step the canary is brought to full size, fully available, and then takes
/// all traffic at once.
/// <para>
/// Analysis: an analysis step waits for its run to succeed. A background analysis runs from its starting step until
/// the rollout ends; its failure aborts the rollout wherever it is, and the canary takes all traffic only once every
/// one of its metrics has passed a measurement — a canary that received no traffic never sails through.
/// </para>
/// <para>
/// Hooks: the final promotion — the canary's move to all traffic, after the last step, at full size — waits for the
/// <c>confirmPromotion</c> hooks (<see cref="HookGate"/>); the canary keeps the traffic its steps gave meanwhile.
/// </para>
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

        var background = Background(pass, updated, canary, index);
        if (background?.Verdict is AnalysisVerdict.Abort)
        {
            AnalysisGate.Abort(pass, updated, background);
            return;
        }

        if (background?.Verdict is AnalysisVerdict.Pause)
        {
            AnalysisGate.Pause(pass, updated, background);
            pass.DesiredReplicas[updated] = Math.Max(1, canaryInstances);
            pass.Traffic = Traffic(pass.Status, stable, updated);
            return;
        }

        while (index < steps.Count)
        {
            var step = steps[index];
            var done = step switch
            {
                SetWeightStep w => RunSetWeight(pass, w, index, available, ref canaryInstances),
                PauseStep p => RunPause(pass, p, index),
                SetHeaderRouteStep h => RunSetHeaderRoute(pass, h, index, available),
                SetMirrorStep m => RunSetMirror(pass, m, index, available),
                AnalysisStep a => RunAnalysis(pass, a, index, updated),
                _ => throw new InvalidOperationException($"unknown canary step {step.GetType().Name}"),
            };
            if (!done || pass.Status.Aborted)
            {
                break;
            }

            pass.Events.Add(new RolloutEvent(updated, Reasons.StepCompleted, $"step {index + 1}/{steps.Count} done: {CanaryStepText.Describe(step)}"));
            index++;
            pass.Status = pass.Status with { Phase = RolloutPhase.Progressing, Reason = null, Message = null, CurrentStepIndex = index, PauseStartedAt = null, PromoteRequested = false };
        }

        if (pass.Status.Aborted)
        {
            return;
        }

        // The steps of this pass may have given the canary its first traffic: its background analysis starts now, not
        // at the next pass (which a long pause would put off).
        background ??= Background(pass, updated, canary, index);

        if (index >= steps.Count)
        {
            // All steps done (or skipped): bring the canary to full size, fully available, then move all traffic at once.
            pass.Status = pass.Status with { CurrentStepIndex = steps.Count };
            canaryInstances = pass.Replicas;
            if (available >= pass.Replicas && !pass.Status.PromoteFull && background is { } waiting && waiting.Run?.HasEvidence != true)
            {
                AnalysisGate.Wait(pass, $"all steps done; revision {updated} takes all traffic once its background analysis has passed a measurement ({waiting.Describe()})");
            }
            else if (available >= pass.Replicas)
            {
                // The final promotion: all traffic at once, once confirmed (confirmPromotion hooks, or a human).
                if (HookGate.ConfirmPromotion(pass, updated, $"the move of all traffic to revision {updated}"))
                {
                    pass.Complete(updated);
                    return;
                }
            }
            else
            {
                pass.Wait(WaitReason.InstancesNotAvailable, steps.Count, available, $"{available}/{pass.Replicas} instances of revision {updated} available for full promotion");
            }
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

    /// <summary>
    /// The background analysis, once the rollout has reached its starting step and the canary receives traffic (a
    /// weight, a header route or a mirror: before that there is nothing to measure, and its first measurements would
    /// only say so). After the last step it runs whatever the traffic, so a canary that never received any cannot be
    /// promoted without a measurement. Never on a full promotion, which skips every step and check. A human promoting
    /// past a pause it caused starts its next attempt: a new run.
    /// </summary>
    private static AnalysisOutcome? Background(RolloutPass pass, int updated, CanaryStrategy canary, int index)
    {
        var status = pass.Status;
        var served = status.CanaryWeight > 0 || status.HeaderRoute is not null || status.MirrorPercent > 0;
        if (canary.Analysis is not { } background || status.PromoteFull || index < background.StartingStep || (!served && index < canary.Steps.Count))
        {
            return null;
        }

        var outcome = AnalysisGate.Check(pass, AnalysisKind.Background, updated, background.Analysis);
        if (outcome.Verdict == AnalysisVerdict.Pause && pass.Status.PromoteRequested && pass.Status.Phase == RolloutPhase.Paused)
        {
            pass.Events.Add(new RolloutEvent(updated, Reasons.Promoted, $"{outcome.Key}: promoted past it; a new background analysis starts"));
            pass.Status = pass.Status with { AnalysisAttempt = pass.Status.AnalysisAttempt + 1, PromoteRequested = false, Phase = RolloutPhase.Progressing, Reason = null, Message = null };
            pass.Analysis.Remove(pass.Analysis[^1]);
            outcome = AnalysisGate.Check(pass, AnalysisKind.Background, updated, background.Analysis);
        }

        return outcome;
    }

    /// <summary>An analysis step: done when its run succeeds, or when a human promotes past the pause it caused.</summary>
    private static bool RunAnalysis(RolloutPass pass, AnalysisStep step, int index, int updated) =>
        AnalysisGate.Passes(pass, updated, AnalysisGate.Check(pass, AnalysisKind.Step, updated, step.Analysis, index), $"step {index + 1}");

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
