using Slipway.Core.Rollouts;
using Slipway.Core.Spec;

namespace Slipway.Core.Tests.Rollouts;

/// <summary>
/// Commands that act say what they did, in the words users read back ("promoted: step 3 of 5 (setWeight 50)"), and
/// <c>undo --to-revision</c> goes to the revision asked for, refusing one that does not exist or is the current one.
/// </summary>
public sealed class CommandMessageTests
{
    [Fact]
    public void Promote_says_which_step_comes_next_or_that_the_rest_is_skipped()
    {
        var f = CanaryPlannerTests.Stable();
        f.Deploy(2);
        f.Settle(); // paused at step 2 of 5

        var promoted = RolloutCommands.Promote(f.Status, f.Spec, full: false);
        Assert.Equal("promoted: step 3 of 5 (setWeight 50)", promoted.Message);
        Assert.Equal((Reasons.Promoted, promoted.Message), (promoted.Event!.Reason, promoted.Event.Message));
        f.Status = promoted.Status!;
        f.Settle(); // paused at step 4 of 5, 30 s

        Assert.Equal("promoted: step 5 of 5 (setWeight 100)", RolloutCommands.Promote(f.Status, f.Spec, full: false).Message);
        Assert.Equal(
            "promoted: remaining steps skipped; revision 2 takes all traffic once all its instances are available",
            RolloutCommands.Promote(f.Status, f.Spec, full: true).Message);
    }

    [Fact]
    public void Promote_of_a_last_pause_and_of_a_blue_green_switch_say_that_the_revision_takes_all_traffic()
    {
        var f = new PlannerFixture(new CanaryStrategy([new SetWeightStep(20), new PauseStep(null)]));
        f.Deploy(1);
        f.Settle();
        f.Deploy(2);
        f.Settle();
        Assert.Equal("promoted: last step done; revision 2 takes all traffic once all its instances are available", RolloutCommands.Promote(f.Status, f.Spec, full: false).Message);

        var g = new PlannerFixture(new BlueGreenStrategy(false, new RouteSpec("p.dev.localhost", "/"), 0));
        g.Deploy(1);
        g.Settle();
        g.Deploy(2);
        g.Settle();
        Assert.Equal("promoted: revision 2 takes all traffic once all its instances are available", RolloutCommands.Promote(g.Status, g.Spec, full: false).Message);
    }

    [Fact]
    public void Abort_retry_restart_and_undo_say_what_they_did()
    {
        var f = CanaryPlannerTests.Stable();
        Assert.Equal("restarting 3 instances of revision 1, one at a time", RolloutCommands.Restart(f.Status, f.Spec, f.Now).Message);
        f.Deploy(2);
        f.Settle();

        var aborted = RolloutCommands.Abort(f.Status);
        Assert.Equal("aborted: traffic back to revision 1", aborted.Message);
        Assert.Equal("already aborted: traffic back to revision 1", RolloutCommands.Abort(aborted.Status!).Message);
        Assert.Equal("retried: revision 2 rolls out again from the first step", RolloutCommands.Retry(aborted.Status!, f.Now).Message);

        Assert.Equal("rolled back to revision 1", RolloutCommands.Abandon(f.Status).Message);
        Assert.Equal("rolled back to revision 1", RolloutCommands.Undo(f.Status).Message);
    }

    [Fact]
    public void Undo_to_a_revision_rolls_it_out_without_pauses()
    {
        var f = ThreeRevisions();

        var target = RolloutCommands.Undo(f.Status, 1, [1, 2, 3]);

        Assert.Equal((1, false, null), (target.Revision, target.AbandonsRollout, target.Error));
        Assert.Equal("rolling back to revision 1: known good, it rolls out without canary steps or pauses", target.Message);
        f.Status = RolloutCommands.StartRevision(f.Status, 1, f.Now, fastTrack: true).Status!;
        f.Settle();
        Assert.Equal((RolloutPhase.Healthy, 1), (f.Status.Phase, f.Status.StableRevision));
        Assert.Equal([2, 3, 1], f.Status.StableHistory);
    }

    [Fact]
    public void Undo_to_an_unknown_or_the_current_revision_is_refused_with_what_there_is()
    {
        var f = ThreeRevisions();

        Assert.Equal("there is no revision 7: the revisions are 1 to 3", RolloutCommands.Undo(f.Status, 7, [1, 2, 3]).Error);
        Assert.Equal("there is no revision 2: the revisions are 1, 3", RolloutCommands.Undo(f.Status, 2, [1, 3]).Error);
        Assert.Equal("revision 3 is already the current revision", RolloutCommands.Undo(f.Status, 3, [1, 2, 3]).Error);

        f.Deploy(4);
        f.Settle();
        Assert.Equal("revision 4 is already the current revision: it is being rolled out", RolloutCommands.Undo(f.Status, 4, [1, 2, 3, 4]).Error);
        var toStable = RolloutCommands.Undo(f.Status, 3, [1, 2, 3, 4]);
        Assert.Equal((3, true), (toStable.Revision, toStable.AbandonsRollout)); // the stable one still runs: at once
        var toOlder = RolloutCommands.Undo(f.Status, 1, [1, 2, 3, 4]);
        Assert.Equal((1, false), (toOlder.Revision, toOlder.AbandonsRollout));
    }

    private static PlannerFixture ThreeRevisions()
    {
        var f = CanaryPlannerTests.Stable();
        foreach (var revision in new[] { 2, 3 })
        {
            f.Deploy(revision);
            f.Status = RolloutCommands.Promote(f.Status, f.Spec, full: true).Status!;
            f.Settle();
        }

        Assert.Equal((RolloutPhase.Healthy, 3), (f.Status.Phase, f.Status.StableRevision));
        return f;
    }
}
