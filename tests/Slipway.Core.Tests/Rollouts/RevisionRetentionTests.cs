using Slipway.Core.Rollouts;

namespace Slipway.Core.Tests.Rollouts;

/// <summary>The revision history limit deletes old revisions, never one that runs or that undo needs next.</summary>
public sealed class RevisionRetentionTests
{
    private static readonly IReadOnlySet<int> NothingRunning = new HashSet<int>();

    [Fact]
    public void The_newest_old_revisions_up_to_the_limit_are_kept_besides_the_protected_ones()
    {
        // The example of RevisionRetention's remarks.
        var status = new RolloutStatus { StableRevision = 12, UpdatedRevision = 20, StableHistory = [5, 9, 12] };

        var deleted = RevisionRetention.ToDelete(Range(1, 20), status, desiredRevision: 20, limit: 3, NothingRunning);

        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 13, 14, 15, 16], deleted);
    }

    [Fact]
    public void Fewer_revisions_than_the_limit_delete_nothing()
    {
        var status = new RolloutStatus { StableRevision = 4, UpdatedRevision = 4, StableHistory = [1, 2, 3, 4] };

        Assert.Empty(RevisionRetention.ToDelete(Range(1, 4), status, desiredRevision: 4, limit: 10, NothingRunning));
    }

    [Fact]
    public void A_limit_of_zero_keeps_only_what_runs_what_undo_needs_and_the_newest()
    {
        // A blue-green switch from 7 to 8 whose old revision still runs until its scale-down delay, and an undo
        // back to 8 from a 9 that never became stable.
        var status = new RolloutStatus { StableRevision = 8, UpdatedRevision = 8, PreviousStableRevision = 7, StableHistory = [3, 6, 7, 8] };

        var deleted = RevisionRetention.ToDelete(Range(1, 9), status, desiredRevision: 8, limit: 0, NothingRunning);

        Assert.Equal([1, 2, 3, 4, 5, 6], deleted);
    }

    [Fact]
    public void Revisions_with_instances_are_kept_however_old()
    {
        // Revision 2 is still being drained after an abort, say.
        var status = new RolloutStatus { StableRevision = 5, UpdatedRevision = 5, StableHistory = [4, 5] };

        var deleted = RevisionRetention.ToDelete(Range(1, 5), status, desiredRevision: 5, limit: 0, new HashSet<int> { 2 });

        Assert.Equal([1, 3], deleted);
    }

    [Fact]
    public void The_desired_revision_is_kept_before_the_reconciler_has_seen_it()
    {
        // An undo to 2 saved the app; the status does not name 2 yet.
        var status = new RolloutStatus { StableRevision = 6, UpdatedRevision = 6, StableHistory = [5, 6] };

        var deleted = RevisionRetention.ToDelete(Range(1, 6), status, desiredRevision: 2, limit: 0, NothingRunning);

        Assert.Equal([1, 3, 4], deleted);
    }

    [Fact]
    public void Undo_finds_the_same_revision_after_the_history_is_pruned()
    {
        var f = CanaryPlannerTests.Stable();
        for (var revision = 2; revision <= 15; revision++)
        {
            f.Deploy(revision);
            f.Status = RolloutCommands.Promote(f.Status, f.Spec, full: true).Status!;
            f.Settle();
        }

        var all = Range(1, 15);
        var kept = all.Except(RevisionRetention.ToDelete(all, f.Status, desiredRevision: 15, limit: 0, NothingRunning)).ToList();

        Assert.Equal(RolloutCommands.Undo(f.Status, null, all).Revision, RolloutCommands.Undo(f.Status, null, kept).Revision);
        Assert.Equal([14, 15], kept);
    }

    [Fact]
    public void Undo_during_a_rollout_still_finds_the_stable_revision()
    {
        var f = CanaryPlannerTests.Stable();
        f.Deploy(2);
        f.Status = RolloutCommands.Promote(f.Status, f.Spec, full: true).Status!;
        f.Settle();
        f.Deploy(3); // paused at its first step

        var all = Range(1, 3);
        var kept = all.Except(RevisionRetention.ToDelete(all, f.Status, desiredRevision: 3, limit: 0, NothingRunning)).ToList();

        Assert.Equal(2, RolloutCommands.Undo(f.Status, null, kept).Revision);
        Assert.Equal([1, 2, 3], kept); // 1: where undo goes once 3 is stable
    }

    private static List<int> Range(int first, int last) => [.. Enumerable.Range(first, last - first + 1)];
}
