using Slipway.Core.Spec;

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
        return CommandResult.Ok(next.NextGeneration(), new RolloutEvent(revision, reason, message), message);
    }

    /// <summary>
    /// Finishes the pause the rollout waits at (a canary pause step, a blue-green pre-promotion pause, a confirm gate of
    /// its hooks), or with
    /// <paramref name="full"/> skips every remaining step. Refused while a user holds the rollout: resume it first.
    /// </summary>
    public static CommandResult Promote(RolloutStatus status, ApplicationSpec spec, bool full)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(spec);
        if (!status.InProgress || status.Aborted || status.UpdatedRevision is not int updated)
        {
            return CommandResult.Fail(status.Aborted ? "the rollout is aborted: use retry to start it again" : "no rollout is in progress");
        }

        if (status.PausedByUser)
        {
            return CommandResult.Fail("the rollout is paused by a user: resume it first");
        }

        var takesAll = $"revision {updated} takes all traffic once all its instances are available";
        if (full)
        {
            var skipped = spec.Strategy is CanaryStrategy or BlueGreenStrategy
                ? $"promoted: remaining steps skipped; {takesAll}"
                : $"promoted: a {StrategyName(spec.Strategy)} rollout has no steps or pauses to skip; revision {updated} rolls out as before";
            return Changed(status with { PromoteFull = true }, updated, Reasons.Promoted, skipped);
        }

        if (status.Phase != RolloutPhase.Paused)
        {
            return CommandResult.Fail("the rollout is not paused; use --full to skip the remaining steps");
        }

        if (status.Reason == Reasons.WaitingForConfirmation)
        {
            var rolloutGate = !status.RolloutConfirmed && spec.Hooks.Any(h => h.Type == Hooks.HookType.ConfirmRollout);
            return Changed(status with { PromoteRequested = true }, updated, Reasons.Promoted, rolloutGate
                ? $"promoted: the rollout of revision {updated} is confirmed by hand; it starts"
                : $"promoted: the final promotion of revision {updated} is confirmed by hand");
        }

        var message = spec.Strategy is CanaryStrategy { Steps: var steps } && status.CurrentStepIndex < steps.Count
            ? status.CurrentStepIndex + 1 < steps.Count
                ? $"promoted: {CanaryStepText.Position(steps, status.CurrentStepIndex + 1)}"
                : $"promoted: last step done; {takesAll}"
            : $"promoted: {takesAll}";
        return Changed(status with { PromoteRequested = true }, updated, Reasons.Promoted, message);
    }

    public static CommandResult Abort(RolloutStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (!status.InProgress)
        {
            return CommandResult.Fail("no rollout is in progress");
        }

        var back = status.StableRevision is int stable ? $"aborted: traffic back to revision {stable}" : "aborted";
        if (status.Aborted)
        {
            return CommandResult.Ok(status, null, $"already {back}");
        }

        const string message = "aborted by user; traffic back to stable";
        var next = MarkAborted(status, Reasons.AbortedByUser, message).NextGeneration();
        return CommandResult.Ok(next, new RolloutEvent(status.UpdatedRevision, Reasons.AbortedByUser, message), back);
    }

    /// <summary>
    /// Starts an aborted rollout again from its first step. Retrying a revision older than an irreversible change is a
    /// rollback past it: refused without <paramref name="force"/>, recorded with it.
    /// </summary>
    public static CommandResult Retry(RolloutStatus status, DateTimeOffset now, RollbackOverride? force = null)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (!status.Aborted || status.UpdatedRevision is not int updated)
        {
            return CommandResult.Fail("the rollout is not aborted; nothing to retry");
        }

        var past = IrreversibleChange.PastOf(status, updated);
        if (past.Count > 0 && force is null)
        {
            return CommandResult.Fail(IrreversibleChange.Refusal(updated, past));
        }

        const string retried = "retried from the first step";
        var next = StartRevision(status, updated, now).Status! with { Reason = Reasons.Retried };
        var e = new RolloutEvent(updated, Reasons.Retried, retried);
        if (past.Count > 0)
        {
            var forced = IrreversibleChange.ForcedEvent(updated, past, force!);
            e = forced with { Message = $"{forced.Message}; {retried}" };
        }

        return CommandResult.Ok(next, e, $"retried: revision {updated} rolls out again from the first step");
    }

    /// <summary>Replaces the stable revision's instances one at a time; refused while a user holds the rollout.</summary>
    public static CommandResult Restart(RolloutStatus status, ApplicationSpec spec, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(spec);
        if (status.StableRevision is not int stable)
        {
            return CommandResult.Fail("nothing runs yet");
        }

        if (status.PausedByUser)
        {
            return CommandResult.Fail("the rollout is paused by a user: resume it before restarting");
        }

        var instances = spec.Replicas == 1 ? "1 instance" : $"{spec.Replicas} instances";
        return CommandResult.Ok(
            (status with { RestartedAt = now }).NextGeneration(),
            new RolloutEvent(stable, Reasons.Restarted, "restart: instances are replaced one by one"),
            $"restarting {instances} of revision {stable}, one at a time");
    }

    /// <summary>
    /// Holds the rollout where it is (Argo Rollouts' and Kubernetes' pause): the planner keeps the weights and the
    /// instances of every revision until <see cref="Resume"/>, while the abort rules keep applying. Works for every
    /// strategy, and with nothing rolling out: the next revision then waits for the resume.
    /// </summary>
    public static CommandResult Pause(RolloutStatus status, ApplicationSpec spec)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(spec);
        if (status.PausedByUser)
        {
            return CommandResult.Fail("the rollout is already paused; resume to go on");
        }

        if (status.Aborted)
        {
            return CommandResult.Fail($"the rollout of revision {status.UpdatedRevision} is aborted: nothing moves to be paused (retry starts it again)");
        }

        var revision = status.UpdatedRevision ?? status.StableRevision;
        var message = !status.InProgress
            ? $"paused: revision {status.StableRevision} serves; a new revision waits until resumed"
            : status.StableRevision is not null && spec.Strategy is CanaryStrategy { Steps: { Count: > 0 } steps }
                ? status.CurrentStepIndex < steps.Count
                    ? $"paused at step {status.CurrentStepIndex + 1} of {steps.Count}"
                    : $"paused after the last step, before revision {revision} takes all traffic"
                : $"paused: the rollout of revision {revision} is held where it is";
        return Changed(status with { PausedByUser = true }, revision, Reasons.PausedByUser, message);
    }

    /// <summary>Lets a rollout held by <see cref="Pause"/> go on; the progress deadline counts again from now.</summary>
    public static CommandResult Resume(RolloutStatus status, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (!status.PausedByUser)
        {
            return CommandResult.Fail(status.Phase == RolloutPhase.Paused
                ? "the rollout is not paused by a user: it waits at a pause of its strategy; promote to go on"
                : "the rollout is not paused");
        }

        // The time held is no lack of progress: the deadline starts over, as after a completed pause step.
        var next = status with { PausedByUser = false, Progress = status.Progress is { } p ? p with { Since = now } : null };
        return Changed(next, status.UpdatedRevision ?? status.StableRevision, Reasons.Resumed, "resumed");
    }

    /// <summary>
    /// Where <c>rollout undo</c> goes. Without <paramref name="toRevision"/>: during a rollout, back to the stable
    /// revision (which still runs, so traffic returns at once); otherwise to the revision that was stable before the
    /// current one. With it: that revision, which must be one of <paramref name="revisions"/> and not the current one.
    /// Refused while a user holds the rollout (as Kubernetes refuses to roll back a paused deployment), and — without
    /// <paramref name="force"/> — when it would go past an irreversible change (<see cref="IrreversibleChange"/>).
    /// </summary>
    public static UndoTarget Undo(RolloutStatus status, int? toRevision = null, IReadOnlyCollection<int>? revisions = null, RollbackOverride? force = null)
    {
        var target = UndoTargetOf(status, toRevision, revisions);
        if (target.Revision is not int revision)
        {
            return target;
        }

        var past = IrreversibleChange.PastOf(status, revision);
        return past.Count == 0 ? target
            : force is null ? UndoTarget.Refused(IrreversibleChange.Refusal(revision, past))
            : target with { Forced = IrreversibleChange.ForcedEvent(revision, past, force) };
    }

    private static UndoTarget UndoTargetOf(RolloutStatus status, int? toRevision, IReadOnlyCollection<int>? revisions)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (status.StableRevision is not int stable)
        {
            return UndoTarget.Refused("nothing runs yet");
        }

        if (status.PausedByUser)
        {
            return UndoTarget.Refused("the rollout is paused by a user: resume it before undoing");
        }

        if (toRevision is int target)
        {
            var known = (revisions ?? []).Order().ToList();
            if (!known.Contains(target))
            {
                return UndoTarget.Refused(known.Count == 0 ? $"there is no revision {target}" : $"there is no revision {target}: the revisions are {Numbers(known)}");
            }

            if (target == status.UpdatedRevision)
            {
                return UndoTarget.Refused(status.InProgress
                    ? $"revision {target} is already the current revision: it is being rolled out"
                    : $"revision {target} is already the current revision");
            }

            return new UndoTarget(target, target == stable, null);
        }

        if (status.InProgress)
        {
            return new UndoTarget(stable, true, null);
        }

        var previous = status.StableHistory.Reverse().Cast<int?>().FirstOrDefault(r => r != stable);
        return previous is int back
            ? new UndoTarget(back, false, null)
            : UndoTarget.Refused("there is no previous revision to go back to");
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
        return CommandResult.Ok(
            next.NextGeneration(),
            new RolloutEvent(stable, Reasons.Undo, $"undo: rollout of revision {status.UpdatedRevision} abandoned, back to revision {stable}"),
            $"rolled back to revision {stable}");
    }

    /// <summary>A command's change: the next generation, recorded by an event whose message is also the command's answer.</summary>
    private static CommandResult Changed(RolloutStatus next, int? revision, string reason, string message) =>
        CommandResult.Ok(next.NextGeneration(), new RolloutEvent(revision, reason, message), message);

    private static string StrategyName(StrategySpec strategy) => strategy switch
    {
        RecreateStrategy => "recreate",
        RollingStrategy => "rolling",
        BlueGreenStrategy => "blue-green",
        _ => "canary",
    };

    /// <summary>"1 to 4" for consecutive numbers, else "1, 3, 4".</summary>
    private static string Numbers(IReadOnlyList<int> numbers) =>
        numbers.Count > 2 && numbers[^1] - numbers[0] == numbers.Count - 1 ? $"{numbers[0]} to {numbers[^1]}" : string.Join(", ", numbers);

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
            HooksToRun = Hooks.HookType.OnAbort, // the planner runs the app's onAbort hooks, if it has any, once traffic is back
        };
    }
}

/// <summary>
/// The status a command leads to, the event that records it and what it did in a few words for the user who asked
/// ("promoted: step 3 of 5 (setWeight 50)"); or why the command does not apply now.
/// </summary>
public sealed record CommandResult(RolloutStatus? Status, RolloutEvent? Event, string? Error, string? Message = null)
{
    public static CommandResult Ok(RolloutStatus status, RolloutEvent? e, string message) => new(status, e, null, message);

    public static CommandResult Fail(string error) => new(null, null, error);
}

/// <param name="Revision">The revision to go back to; null when there is none (<see cref="Error"/> says why).</param>
/// <param name="AbandonsRollout">True when the target is the stable revision of a rollout in progress.</param>
public sealed record UndoTarget(int? Revision, bool AbandonsRollout, string? Error)
{
    /// <summary>The event recording that the undo was forced past irreversible changes; null when it went past none.</summary>
    public RolloutEvent? Forced { get; init; }

    /// <summary>What the undo does, for the user who asked: the stable revision serves again at once, or a rollout starts.</summary>
    public string? Message => Revision is not int revision ? null
        : AbandonsRollout ? $"rolled back to revision {revision}"
        : $"rolling back to revision {revision}: known good, it rolls out without canary steps or pauses";

    public static UndoTarget Refused(string error) => new(null, false, error);
}
