using Slipway.Core.Rollouts;
using Slipway.Core.Spec;

namespace Slipway.Core.Tests.Rollouts;

public sealed class RolloutCommandsTests
{
    [Fact]
    public void Undo_during_a_rollout_goes_back_to_the_stable_revision()
    {
        var f = CanaryPlannerTests.Stable();
        f.Deploy(2);
        f.Settle();

        var target = RolloutCommands.Undo(f.Status);

        Assert.Equal(1, target.Revision);
        Assert.True(target.AbandonsRollout);
        var abandoned = RolloutCommands.Abandon(f.Status);
        Assert.Equal(Reasons.Undo, abandoned.Event!.Reason);
        f.Status = abandoned.Status!;
        f.Settle();
        Assert.Equal(RolloutPhase.Healthy, f.Status.Phase);
        Assert.False(f.Runs(2));
        Assert.Equal(100, f.Weight(1));
    }

    [Fact]
    public void Undo_after_a_rollout_goes_to_the_revision_stable_before_it_not_to_an_aborted_one()
    {
        var f = CanaryPlannerTests.Stable();
        f.Deploy(2);
        f.Status = RolloutCommands.Promote(f.Status, f.Spec, full: true).Status!;
        f.Settle();
        f.Deploy(3);
        f.Settle();
        f.Status = RolloutCommands.Abort(f.Status).Status!; // 3 never became stable
        f.Settle();
        f.Deploy(4);
        f.Status = RolloutCommands.Promote(f.Status, f.Spec, full: true).Status!;
        f.Settle();
        Assert.Equal([1, 2, 4], f.Status.StableHistory);

        Assert.Equal(2, RolloutCommands.Undo(f.Status).Revision);
    }

    [Fact]
    public void Undo_with_nothing_before_says_so()
    {
        var f = CanaryPlannerTests.Stable();
        var target = RolloutCommands.Undo(f.Status);
        Assert.Null(target.Revision);
        Assert.Equal("there is no previous revision to go back to", target.Error);
    }

    [Fact]
    public void Every_command_records_its_event_with_the_reason_it_gives()
    {
        var now = new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
        var started = RolloutCommands.StartRevision(RolloutStatus.Empty with { StableRevision = 1, UpdatedRevision = 1 }, 2, now, created: "changed env VERSION");
        Assert.Equal(Reasons.RolloutStarted, started.Status!.Reason);
        Assert.Equal(Reasons.RolloutStarted, started.Event!.Reason);
        Assert.Equal("revision 2 created (changed env VERSION); rolling out", started.Event.Message);

        var undo = RolloutCommands.StartRevision(started.Status, 1, now, fastTrack: true);
        Assert.Equal(Reasons.Undo, undo.Status!.Reason);
        Assert.Equal(Reasons.Undo, undo.Event!.Reason);
        Assert.True(undo.Status.PromoteFull);
    }

    [Fact]
    public void Every_degraded_status_names_its_reason_and_has_a_message()
    {
        var aborted = RolloutCommands.Abort(RolloutStatus.Empty with { StableRevision = 1, UpdatedRevision = 2 }).Status!;
        Assert.Equal(RolloutPhase.Degraded, aborted.Phase);
        Assert.Equal(Reasons.AbortedByUser, aborted.Reason);
        Assert.False(string.IsNullOrEmpty(aborted.Message));
        Assert.Throws<ArgumentException>(() => RolloutCommands.MarkAborted(aborted, Reasons.AbortedByUser, ""));
    }
}
