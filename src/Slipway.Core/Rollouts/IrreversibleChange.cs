namespace Slipway.Core.Rollouts;

/// <summary>
/// A change a revision made that no rollback undoes — a release declared <c>irreversible</c> whose instances started, or
/// an irreversible hook (a migration) that succeeded — recorded in the status when it happened. Going back to a revision
/// older than <see cref="Revision"/> puts old code in front of what it changed: <see cref="RolloutCommands"/> refuses it
/// without <c>--force</c>, and status says what an abort did not roll back.
/// </summary>
/// <param name="Hook">The hook that made the change; null for the release itself.</param>
public sealed record IrreversibleChange(int Revision, string Reason, string? Hook, DateTimeOffset At)
{
    /// <summary>How many changes a status keeps, newest last: enough for every revision the history limit keeps.</summary>
    public const int Kept = 20;

    /// <summary>"revision 3 (drops column users.legacy_id)", or "hook migrate of revision 3 (…)".</summary>
    public string Describe() => Hook is null ? $"revision {Revision} ({Reason})" : $"hook {Hook} of revision {Revision} ({Reason})";

    /// <summary>The recorded changes a rollback to <paramref name="target"/> would go past: those of newer revisions.</summary>
    public static IReadOnlyList<IrreversibleChange> PastOf(RolloutStatus status, int target)
    {
        ArgumentNullException.ThrowIfNull(status);
        return [.. status.IrreversibleChanges.Where(c => c.Revision > target)];
    }

    /// <summary>
    /// Why a rollback to <paramref name="target"/> is refused without <c>--force</c>: every change it would go past, by
    /// name and reason, and what to do, in words a tired engineer reads at once.
    /// </summary>
    public static string Refusal(int target, IReadOnlyList<IrreversibleChange> past)
    {
        ArgumentNullException.ThrowIfNull(past);
        var changes = string.Join("; ", past.Select(c => c.Describe()));
        var one = past.Count == 1;
        return $"going back to revision {target} would not undo what {(one ? "this" : "these")} changed: {changes}. "
            + $"Revision {target}'s code would run against {(one ? "that change" : "those changes")}. "
            + "If that is safe, run the command again with --force --reason 'why' (it is recorded).";
    }

    /// <summary>The event that records a forced rollback: who, why, and what it went past.</summary>
    public static RolloutEvent ForcedEvent(int target, IReadOnlyList<IrreversibleChange> past, RollbackOverride by)
    {
        ArgumentNullException.ThrowIfNull(past);
        ArgumentNullException.ThrowIfNull(by);
        return new RolloutEvent(
            target,
            Reasons.ForcedRollback,
            $"rollback to revision {target} forced by {by.Actor} past {string.Join("; ", past.Select(c => c.Describe()))}: \"{by.Reason}\"");
    }

    /// <summary><paramref name="status"/> with <paramref name="change"/> recorded (once per revision and hook), keeping the newest <see cref="Kept"/>.</summary>
    public static RolloutStatus Record(RolloutStatus status, IrreversibleChange change)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(change);
        if (status.IrreversibleChanges.Any(c => c.Revision == change.Revision && c.Hook == change.Hook))
        {
            return status;
        }

        return status with { IrreversibleChanges = [.. status.IrreversibleChanges.Append(change).TakeLast(Kept)] };
    }
}

/// <summary>Who forced a rollback past an irreversible change, and why: recorded in an event.</summary>
/// <param name="Actor">As the client reports it (<c>$SLIPWAY_ACTOR</c>, else user@host): the API has one token, not users.</param>
public sealed record RollbackOverride(string Actor, string Reason);
