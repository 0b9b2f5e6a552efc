namespace Slipway.Core.Rollouts;

/// <summary>
/// The one place that decides, from what is observed, that a rollout must not go on: its new revision's instances
/// restarted more than <c>maxRestarts</c> times (the built-in <see cref="HealthCheck"/>), or it made no progress
/// within <c>progressDeadlineSeconds</c>. Live analysis decides through <see cref="AnalysisGate"/>. What happens then depends on whether there is a revision to go back to
/// (<see cref="RolloutPlanner"/>): an abort, traffic first, or a Degraded status that keeps trying.
/// </summary>
internal static class AbortRules
{
    public static AbortVerdict? Check(RolloutPass pass, int updated)
    {
        if (HealthCheck.Of(pass) is { Phase: Analysis.AnalysisPhase.Failed } health && health.Revision == updated)
        {
            return new AbortVerdict(Reasons.MaxRestartsExceeded, health.Message);
        }

        // No deadline while paused, nor while an analysis or a preRollout hook runs: waiting for a human, a timer, a
        // judgement or a migration (each bounded by its own timeout) is not a lack of progress.
        var status = pass.Status;
        if (status.Phase == RolloutPhase.Progressing && status.Reason is not (Reasons.AnalysisRunning or Reasons.HookRunning) && status.Progress is { } progress
            && progress.IsPastDeadline(pass.Spec.ProgressDeadlineSeconds, pass.Now))
        {
            return new AbortVerdict(
                Reasons.ProgressDeadlineExceeded,
                $"revision {updated} made no progress within progressDeadlineSeconds ({pass.Spec.ProgressDeadlineSeconds}s): {status.Message}");
        }

        return null;
    }
}

/// <summary>Why a rollout must stop: a reason from <see cref="Reasons"/> and a message that says what was seen.</summary>
internal sealed record AbortVerdict(string Reason, string Message);
