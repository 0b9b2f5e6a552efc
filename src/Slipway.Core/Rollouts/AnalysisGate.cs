using Slipway.Core.Analysis;

namespace Slipway.Core.Rollouts;

/// <summary>
/// Where a rollout meets an analysis: the pass asks for the run (so the runner starts it, or keeps it measuring) and
/// learns what its latest state allows — go on, wait, pause for a human, or abort. The strategies decide where
/// analyses run; this decides, one way for all of them, what a run's phase means: Successful goes on; Failed and
/// Error abort, traffic first (or pause with <c>onFailure: pause</c>); Inconclusive pauses; anything else waits.
/// </summary>
internal static class AnalysisGate
{
    public static AnalysisOutcome Check(RolloutPass pass, AnalysisKind kind, int revision, AnalysisRef analysis, int step = 0)
    {
        var status = pass.Status;
        var key = new AnalysisRunKey(kind, revision, step, status.StartedAt ?? DateTimeOffset.MinValue, kind == AnalysisKind.Background ? status.AnalysisAttempt : 0);
        pass.Analysis.Add(new AnalysisRunRequest(key, analysis));
        var run = pass.Context.Analysis.FirstOrDefault(r => r.Key == key);
        return run?.Phase switch
        {
            AnalysisPhase.Successful => new AnalysisOutcome(AnalysisVerdict.Passed, key, run),
            AnalysisPhase.Failed or AnalysisPhase.Error => new AnalysisOutcome(
                analysis.OnFailure == AnalysisOnFailure.Abort ? AnalysisVerdict.Abort : AnalysisVerdict.Pause, key, run),
            AnalysisPhase.Inconclusive => new AnalysisOutcome(AnalysisVerdict.Pause, key, run),
            _ => new AnalysisOutcome(AnalysisVerdict.Running, key, run),
        };
    }

    /// <summary>
    /// Acts on a run the rollout waits for (an analysis step, a blue-green switch): true when it may go on — the run
    /// succeeded, or a human promoted past the pause it caused. Otherwise it aborts, pauses, or waits with a message
    /// that says where (<paramref name="waitingAt"/>) and for which run.
    /// </summary>
    public static bool Passes(RolloutPass pass, int revision, AnalysisOutcome outcome, string waitingAt)
    {
        switch (outcome.Verdict)
        {
            case AnalysisVerdict.Passed:
                return true;
            case AnalysisVerdict.Abort:
                Abort(pass, revision, outcome);
                return false;
            case AnalysisVerdict.Pause when pass.Status.PromoteRequested && pass.Status.Phase == RolloutPhase.Paused:
                return true;
            case AnalysisVerdict.Pause:
                Pause(pass, revision, outcome);
                return false;
            default:
                Wait(pass, $"{waitingAt}: {outcome.Describe()}");
                return false;
        }
    }

    /// <summary>
    /// A rollout held by a user keeps its analyses measuring — they are asked for again as they are, so that resuming
    /// finds them where they were — and a failure that would abort still does. Returns that abort's verdict.
    /// </summary>
    public static AbortVerdict? Hold(RolloutPass pass)
    {
        AbortVerdict? verdict = null;
        foreach (var run in pass.Context.Analysis.Where(r => r.Key.RolloutStartedAt == pass.Status.StartedAt))
        {
            if (RefOf(pass.Spec.Strategy, run.Key) is not { } analysis)
            {
                continue;
            }

            pass.Analysis.Add(new AnalysisRunRequest(run.Key, analysis));
            if (run.Phase is AnalysisPhase.Failed or AnalysisPhase.Error && analysis.OnFailure == AnalysisOnFailure.Abort)
            {
                verdict ??= new AbortVerdict(Reasons.AnalysisFailed, $"{run.Key}: {run.Message}");
            }
        }

        return verdict;
    }

    /// <summary>Aborts the rollout with the run's reason: the planner moves traffic back to stable in this very pass.</summary>
    public static void Abort(RolloutPass pass, int revision, AnalysisOutcome outcome) =>
        pass.Abort(revision, Reasons.AnalysisFailed, $"{outcome.Key}: {outcome.Run?.Message}");

    /// <summary>
    /// Paused for a human: the rollout keeps what it has (the caller keeps traffic and instances as they are) and the
    /// status says why and what to do. A pause is recorded as an event once, when it starts.
    /// </summary>
    public static void Pause(RolloutPass pass, int revision, AnalysisOutcome outcome)
    {
        var failed = outcome.Run?.Phase is AnalysisPhase.Failed or AnalysisPhase.Error;
        var reason = failed ? Reasons.AnalysisFailed : Reasons.AnalysisInconclusive;
        var what = failed ? "failed (onFailure: pause)" : "was inconclusive";
        var message = $"{outcome.Key} {what}: {outcome.Run?.Message}; promote to go on, or abort";
        if (pass.Status.Phase != RolloutPhase.Paused || pass.Status.Reason != reason)
        {
            pass.Events.Add(new RolloutEvent(revision, reason, message));
        }

        pass.Status = pass.Status with { Phase = RolloutPhase.Paused, Reason = reason, Message = message };
    }

    private static AnalysisRef? RefOf(Spec.StrategySpec strategy, AnalysisRunKey key) => (strategy, key.Kind) switch
    {
        (Spec.CanaryStrategy { Analysis: { } background }, AnalysisKind.Background) => background.Analysis,
        (Spec.CanaryStrategy canary, AnalysisKind.Step) when key.Step < canary.Steps.Count && canary.Steps[key.Step] is Spec.AnalysisStep step => step.Analysis,
        (Spec.BlueGreenStrategy { PrePromotionAnalysis: { } pre }, AnalysisKind.PrePromotion) => pre,
        (Spec.BlueGreenStrategy { PostPromotionAnalysis: { } post }, AnalysisKind.PostPromotion) => post,
        _ => null,
    };

    /// <summary>Waiting for a run to decide: no progress deadline runs meanwhile (an analysis may take longer than it).</summary>
    public static void Wait(RolloutPass pass, string message) =>
        pass.Status = pass.Status with { Phase = RolloutPhase.Progressing, Reason = Reasons.AnalysisRunning, Message = message };
}

internal enum AnalysisVerdict
{
    Running,
    Passed,
    Pause,
    Abort,
}

/// <param name="Run">The run's latest state; null until the runner has started it.</param>
internal sealed record AnalysisOutcome(AnalysisVerdict Verdict, AnalysisRunKey Key, AnalysisRunState? Run)
{
    /// <summary>
    /// What a waiting status says: which run. Not what its metrics last measured: passes run when a run's verdict
    /// changes, not at each measurement, so that would be stale; <c>slipway analysis</c> shows measurements live.
    /// </summary>
    public string Describe() => Run is null ? $"{Key} starting" : $"{Key} running";
}
