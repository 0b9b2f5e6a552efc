namespace Slipway.Core.Rollouts;

/// <summary>
/// What users (and new revisions) do to a rollout, as pure changes of its status, each with the event that records
/// it. The next reconcile pass acts on them; an abort moves traffic to stable in that pass, before anything else.
/// </summary>
public static class RolloutCommands
{
    /// <summary>A new revision to roll out: the rollout starts over at step 0 (a canary in flight is replaced).</summary>
    /// <param name="created">Why the revision was made, when it is new; null when an existing revision is rolled out again.</param>
    /// <param name="fastTrack">An undo: the revision is known good, so canary steps and blue-green pauses are skipped.</param>
    public static CommandResult StartRevision(RolloutStatus status, int revision, DateTimeOffset now, string? created = null, bool fastTrack = false)
    {
        ArgumentNullException.ThrowIfNull(status);
        var reason = fastTrack ? Reasons.Undo : Reasons.RolloutStarted;
        var next = status.WithStepsReset() with
        {
            UpdatedRevision = revision,
            Phase = RolloutPhase.Progressing,
            Reason = reason,
            Message = null,
            PromoteFull = fastTrack,
            Aborted = false,
            Progress = RolloutProgress.Start(now),
            StartedAt = now,
            CompletedAt = null,
        };
        var message = created is not null ? $"revision {revision} created ({created}); rolling out" : $"rolling out revision {revision} again";
        return CommandResult.Ok(next, new RolloutEvent(revision, reason, message));
    }

    public static CommandResult Promote(RolloutStatus status, bool full)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (!status.InProgress || status.Aborted)
        {
            return CommandResult.Fail(status.Aborted ? "the rollout is aborted: use retry to start it again" : "no rollout is in progress");
        }

        if (full)
        {
            return CommandResult.Ok(status with { PromoteFull = true }, new RolloutEvent(status.UpdatedRevision, Reasons.Promoted, "promoted: remaining steps skipped"));
        }

        if (status.Phase != RolloutPhase.Paused)
        {
            return CommandResult.Fail("the rollout is not paused; use --full to skip the remaining steps");
        }

        return CommandResult.Ok(status with { PromoteRequested = true }, new RolloutEvent(status.UpdatedRevision, Reasons.Promoted, "promoted: pause finished"));
    }

    public static CommandResult Abort(RolloutStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (!status.InProgress)
        {
            return CommandResult.Fail("no rollout is in progress");
        }

        if (status.Aborted)
        {
            return CommandResult.Ok(status, null);
        }

        const string message = "aborted by user; traffic back to stable";
        return CommandResult.Ok(MarkAborted(status, Reasons.AbortedByUser, message), new RolloutEvent(status.UpdatedRevision, Reasons.AbortedByUser, message));
    }

    public static CommandResult Retry(RolloutStatus status, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (!status.Aborted || status.UpdatedRevision is not int updated)
        {
            return CommandResult.Fail("the rollout is not aborted; nothing to retry");
        }

        var next = StartRevision(status, updated, now).Status! with { Reason = Reasons.Retried };
        return CommandResult.Ok(next, new RolloutEvent(updated, Reasons.Retried, "retried from the first step"));
    }

    public static CommandResult Restart(RolloutStatus status, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (status.StableRevision is null)
        {
            return CommandResult.Fail("nothing runs yet");
        }

        return CommandResult.Ok(status with { RestartedAt = now }, new RolloutEvent(status.StableRevision, Reasons.Restarted, "restart: instances are replaced one by one"));
    }

    /// <summary>
    /// Where <c>rollout undo</c> goes: during a rollout, back to the stable revision (which still runs, so traffic
    /// returns at once); otherwise to the revision that was stable before the current one.
    /// </summary>
    public static UndoTarget Undo(RolloutStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (status.StableRevision is not int stable)
        {
            return new UndoTarget(null, false, "nothing runs yet");
        }

        if (status.InProgress)
        {
            return new UndoTarget(stable, true, null);
        }

        var previous = status.StableHistory.Reverse().Cast<int?>().FirstOrDefault(r => r != stable);
        return previous is int target
            ? new UndoTarget(target, false, null)
            : new UndoTarget(null, false, "there is no previous revision to go back to");
    }

    /// <summary>
    /// Abandons the rollout in progress for the stable revision, which runs and serves: undo during a rollout. Not an
    /// abort — the stable revision is what is wanted now, so the rollout ends Healthy once the planner sees it.
    /// </summary>
    public static CommandResult Abandon(RolloutStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (!status.InProgress || status.StableRevision is not int stable)
        {
            return CommandResult.Fail("no rollout is in progress");
        }

        var next = status.WithStepsReset() with
        {
            UpdatedRevision = stable,
            Aborted = false,
            Phase = RolloutPhase.Progressing,
            Reason = Reasons.Undo,
            Message = $"undo: back to revision {stable}",
        };
        return CommandResult.Ok(next, new RolloutEvent(stable, Reasons.Undo, $"undo: rollout of revision {status.UpdatedRevision} abandoned, back to revision {stable}"));
    }

    /// <summary>
    /// The one way a rollout is aborted, by a user, the progress deadline or the restart limit (and later analysis):
    /// traffic to stable, the new revision scaled down, phase Degraded with the reason — applied by the same pass.
    /// </summary>
    public static RolloutStatus MarkAborted(RolloutStatus status, string reason, string message)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentException.ThrowIfNullOrEmpty(reason);
        ArgumentException.ThrowIfNullOrEmpty(message);
        return status.WithStepsReset() with
        {
            CurrentStepIndex = status.CurrentStepIndex,
            Aborted = true,
            Phase = RolloutPhase.Degraded,
            Reason = reason,
            Message = message,
        };
    }
}

/// <summary>The status a command leads to and the event that records it, or why the command does not apply now.</summary>
public sealed record CommandResult(RolloutStatus? Status, RolloutEvent? Event, string? Error)
{
    public static CommandResult Ok(RolloutStatus status, RolloutEvent? e) => new(status, e, null);

    public static CommandResult Fail(string error) => new(null, null, error);
}

/// <param name="Revision">The revision to go back to; null when there is none (<see cref="Error"/> says why).</param>
/// <param name="AbandonsRollout">True when the target is the stable revision of a rollout in progress.</param>
public sealed record UndoTarget(int? Revision, bool AbandonsRollout, string? Error);
