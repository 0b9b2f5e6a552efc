namespace Slipway.Core.Rollouts;

/// <summary>
/// What users (and new revisions) do to a rollout, as pure changes of its status. The next
/// reconcile pass acts on them; an abort moves traffic to stable in that pass, before anything else.
/// </summary>
public static class RolloutCommands
{
    /// <summary>A new revision to roll out: the rollout starts over at step 0 (a canary in flight is replaced).</summary>
    public static RolloutStatus StartRevision(RolloutStatus status, int revision, DateTimeOffset now, bool fastTrack = false) =>
        status.WithStepsReset() with
        {
            UpdatedRevision = revision,
            Phase = RolloutPhase.Progressing,
            Reason = fastTrack ? Reasons.Undo : Reasons.RolloutStarted,
            Message = null,
            PromoteFull = fastTrack,
            Aborted = false,
            StartedAt = now,
            CompletedAt = null,
        };

    public static CommandResult Promote(RolloutStatus status, bool full)
    {
        if (!status.InProgress || status.Aborted)
        {
            return CommandResult.Fail(status.Aborted ? "the rollout is aborted: use retry to start it again" : "no rollout is in progress");
        }

        if (full)
        {
            return CommandResult.Ok(status with { PromoteFull = true });
        }

        if (status.Phase != RolloutPhase.Paused)
        {
            return CommandResult.Fail("the rollout is not paused; use --full to skip the remaining steps");
        }

        return CommandResult.Ok(status with { PromoteRequested = true });
    }

    public static CommandResult Abort(RolloutStatus status, string? reason = null)
    {
        if (!status.InProgress)
        {
            return CommandResult.Fail("no rollout is in progress");
        }

        if (status.Aborted)
        {
            return CommandResult.Ok(status);
        }

        return CommandResult.Ok(MarkAborted(status, Reasons.AbortedByUser, reason ?? "aborted by user; traffic back to stable"));
    }

    public static CommandResult Retry(RolloutStatus status, DateTimeOffset now)
    {
        if (!status.Aborted || status.UpdatedRevision is not int updated)
        {
            return CommandResult.Fail("the rollout is not aborted; nothing to retry");
        }

        return CommandResult.Ok(StartRevision(status, updated, now) with { Reason = Reasons.Retried });
    }

    public static CommandResult Restart(RolloutStatus status, DateTimeOffset now)
    {
        if (status.StableRevision is null)
        {
            return CommandResult.Fail("nothing runs yet");
        }

        return CommandResult.Ok(status with { RestartedAt = now });
    }

    /// <summary>Traffic to stable, canary scaled down, phase Degraded with the reason: applied by the next pass.</summary>
    public static RolloutStatus MarkAborted(RolloutStatus status, string reason, string message) =>
        status.WithStepsReset() with
        {
            CurrentStepIndex = status.CurrentStepIndex,
            Aborted = true,
            Phase = RolloutPhase.Degraded,
            Reason = reason,
            Message = message,
        };
}

public sealed record CommandResult(RolloutStatus? Status, string? Error)
{
    public static CommandResult Ok(RolloutStatus status) => new(status, null);

    public static CommandResult Fail(string error) => new(null, error);
}
