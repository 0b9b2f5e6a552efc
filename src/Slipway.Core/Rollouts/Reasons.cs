namespace Slipway.Core.Rollouts;

/// <summary>The reasons a rollout gives for its phase and its events; stable strings users can script against.</summary>
public static class Reasons
{
    public const string RolloutStarted = "RolloutStarted";
    public const string StepCompleted = "StepCompleted";
    public const string CanaryPauseStep = "CanaryPauseStep";
    public const string BlueGreenPause = "BlueGreenPause";
    public const string RolloutCompleted = "RolloutCompleted";
    public const string ProgressDeadlineExceeded = "ProgressDeadlineExceeded";
    public const string MaxRestartsExceeded = "MaxRestartsExceeded";
    public const string AbortedByUser = "AbortedByUser";
    public const string Promoted = "Promoted";
    public const string Retried = "Retried";
    public const string Undo = "Undo";
    public const string Restarted = "Restarted";
    public const string InstancesNotReady = "InstancesNotReady";
    public const string SpecUpdated = "SpecUpdated";
    public const string PausedByUser = "PausedByUser";
    public const string Resumed = "Resumed";
    public const string AnalysisRunning = "AnalysisRunning";
    public const string AnalysisFailed = "AnalysisFailed";
    public const string AnalysisInconclusive = "AnalysisInconclusive";
    public const string IrreversibleChange = "IrreversibleChange";
    public const string ForcedRollback = "ForcedRollback";

    /// <summary>A preRollout hook runs: nothing of the new revision starts before it has succeeded.</summary>
    public const string HookRunning = "HookRunning";

    /// <summary>A hook failed after its retries: a preRollout one aborts the rollout; a postPromotion or onAbort one is reported.</summary>
    public const string HookFailed = "HookFailed";

    public const string HookSucceeded = "HookSucceeded";

    /// <summary>A confirm gate waits for its hook to say yes (asked every 10 s), or for a human to promote.</summary>
    public const string WaitingForConfirmation = "WaitingForConfirmation";

    public const string Confirmed = "Confirmed";

    /// <summary>A rollout was started although its error budget burned too fast: who and why (<c>--override-error-budget</c>).</summary>
    public const string ErrorBudgetOverridden = "ErrorBudgetOverridden";
}
