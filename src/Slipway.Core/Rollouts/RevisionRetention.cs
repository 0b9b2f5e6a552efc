namespace Slipway.Core.Rollouts;

/// <summary>
/// Which revisions of an app×env the revision history limit lets go. Revisions accumulate with every change, each with
/// an artifact copy and logs; like Argo Rollouts (<c>revisionHistoryLimit</c>, default 10) Slipway keeps the newest
/// <c>limit</c> old revisions and deletes the older ones — but never a revision that runs or that a rollout or an undo
/// may need next, whatever the limit.
/// </summary>
/// <remarks>
/// Example: revisions 1–20, stable 12, a canary of 20 in progress, 9 the stable revision before 12, limit 3.
/// Protected: 20 (updated, desired and newest), 12 (stable) and 9 (what undo goes back to once 20 is stable). Of the
/// others, 19, 18 and 17 are kept as history; 1–8, 10, 11 and 13–16 are deleted.
/// </remarks>
public static class RevisionRetention
{
    /// <summary>
    /// The revisions that are never deleted: the stable one, the updated (canary) one, blue-green's previous stable
    /// one while it still runs, the app×env's desired one, the one undo goes back to next (the last stable revision
    /// before the current one, as <see cref="RolloutCommands.Undo"/> picks it), the newest one (so that a revision
    /// number is never given twice), and every revision in <paramref name="running"/>.
    /// </summary>
    public static IReadOnlySet<int> Protected(RolloutStatus status, int desiredRevision, IReadOnlyCollection<int> revisions, IReadOnlySet<int> running)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(revisions);
        ArgumentNullException.ThrowIfNull(running);
        var kept = new HashSet<int>(running) { desiredRevision };
        foreach (var revision in new[] { status.StableRevision, status.UpdatedRevision, status.PreviousStableRevision, UndoTarget(status) })
        {
            if (revision is int r)
            {
                kept.Add(r);
            }
        }

        if (revisions.Count > 0)
        {
            kept.Add(revisions.Max());
        }

        return kept;
    }

    /// <summary>
    /// The revisions to delete, oldest first: of those not <see cref="Protected"/>, all but the newest
    /// <paramref name="limit"/>.
    /// </summary>
    /// <param name="running">Revisions that still have instances (running, or being drained and stopped).</param>
    public static IReadOnlyList<int> ToDelete(IReadOnlyCollection<int> revisions, RolloutStatus status, int desiredRevision, int limit, IReadOnlySet<int> running)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var kept = Protected(status, desiredRevision, revisions, running);
        return revisions
            .Where(r => !kept.Contains(r))
            .OrderDescending()
            .Skip(limit)
            .Order()
            .ToList();
    }

    // Undo's choice when no rollout is in progress; during one, undo goes to the stable revision, protected anyway.
    private static int? UndoTarget(RolloutStatus status) =>
        status.StableHistory.Reverse().Cast<int?>().FirstOrDefault(r => r != status.StableRevision);
}
