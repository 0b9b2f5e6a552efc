using Slipway.Core.Rollouts;
using Slipway.Core.Spec;

namespace Slipway.Core.Tests.Rollouts;

/// <summary>
/// <c>rollout pause</c> holds a rollout where it is — weights and instances per revision — for every strategy, until
/// <c>rollout resume</c>; the abort rules keep applying meanwhile, and the pause outlives the rollout it was set in.
/// </summary>
public sealed class PauseResumeTests
{
    [Fact]
    public void A_paused_canary_keeps_its_weight_and_instances_even_with_a_promotion_asked_then_goes_on_when_resumed()
    {
        var f = CanaryPlannerTests.Stable();
        f.Deploy(2);
        f.Settle();
        Assert.Equal((1, 10), (f.Status.CurrentStepIndex, f.Weight(2)));
        f.Status = RolloutCommands.Promote(f.Status, f.Spec, full: false).Status!;

        var paused = RolloutCommands.Pause(f.Status, f.Spec);
        Assert.Equal("paused at step 2 of 5", paused.Message);
        f.Status = paused.Status!;
        f.Settle();

        Assert.Equal(RolloutPhase.Paused, f.Status.Phase);
        Assert.Equal(Reasons.PausedByUser, f.Status.Reason);
        Assert.Equal("paused by a user at step 2 of 5 (pause (until promoted)); resume to go on", f.Status.Message);
        Assert.Equal((1, 10), (f.Status.CurrentStepIndex, f.Weight(2)));
        Assert.Equal(1, f.Observed(2).Instances); // setWeight 50 would have started a second one
        Assert.Equal(3, f.Observed(1).Instances);
        Assert.Contains(f.Status.Conditions, c => c is { Type: "Paused", Status: true, Reason: Reasons.PausedByUser });

        var resumed = RolloutCommands.Resume(f.Status, f.Now);
        Assert.Equal("resumed", resumed.Message);
        f.Status = resumed.Status!;
        f.Settle();
        Assert.Equal((RolloutPhase.Paused, Reasons.CanaryPauseStep, 3), (f.Status.Phase, f.Status.Reason, f.Status.CurrentStepIndex));
        Assert.Equal(50, f.Weight(2));
        Assert.Equal(2, f.Observed(2).Instances);
    }

    [Fact]
    public void A_timed_pause_does_not_end_while_a_user_holds_the_rollout_and_its_end_is_not_shown()
    {
        var f = CanaryPlannerTests.Stable();
        f.Deploy(2);
        f.Settle();
        f.Status = RolloutCommands.Promote(f.Status, f.Spec, full: false).Status!;
        f.Settle();
        Assert.Equal(3, f.Status.CurrentStepIndex); // pause 30s
        Assert.Equal(f.Now + TimeSpan.FromSeconds(30), RolloutPlanner.PauseEndsAt(f.Status, f.Spec));

        f.Status = RolloutCommands.Pause(f.Status, f.Spec).Status!;
        f.Settle();
        Assert.Null(RolloutPlanner.PauseEndsAt(f.Status, f.Spec));
        f.Now += TimeSpan.FromMinutes(5);
        f.Settle();
        Assert.Equal((RolloutPhase.Paused, Reasons.PausedByUser, 3), (f.Status.Phase, f.Status.Reason, f.Status.CurrentStepIndex));
        Assert.Null(f.Last.WakeAt);

        f.Status = RolloutCommands.Resume(f.Status, f.Now).Status!;
        f.Settle();
        Assert.Equal((RolloutPhase.Healthy, 2), (f.Status.Phase, f.Status.StableRevision)); // its time was up: it goes on at once
    }

    [Fact]
    public void A_paused_blue_green_rollout_does_not_switch_when_the_new_revision_is_ready()
    {
        var f = new PlannerFixture(new BlueGreenStrategy(true, new RouteSpec("web-preview.dev.localhost", "/"), 0));
        f.Deploy(1);
        f.Settle();
        f.Deploy(2);
        f.Pass();
        f.Act();
        f.Status = RolloutCommands.Pause(f.Status, f.Spec).Status!;

        f.Settle();
        Assert.Equal((RolloutPhase.Paused, 1), (f.Status.Phase, f.Status.StableRevision));
        Assert.Equal(3, f.Observed(2).Ready);
        Assert.Equal(100, f.Weight(1));
        Assert.Equal(2, f.Last.Traffic.PreviewRevision);

        f.Status = RolloutCommands.Resume(f.Status, f.Now).Status!;
        f.Settle();
        Assert.Equal((RolloutPhase.Healthy, 2), (f.Status.Phase, f.Status.StableRevision));
        Assert.Equal(100, f.Weight(2));
    }

    [Fact]
    public void A_paused_rolling_update_scales_neither_revision_and_spreads_traffic_over_what_is_ready()
    {
        var f = new PlannerFixture(new RollingStrategy(IntOrPercent.Count(1), IntOrPercent.Count(0)), replicas: 4);
        f.Deploy(1);
        f.Settle();
        f.Deploy(2);
        for (var round = 0; round < 4; round++)
        {
            f.Pass();
            f.Act();
        }

        var before = (New: f.Observed(2).Instances, Old: f.Observed(1).Instances);
        Assert.True(before.New is > 0 and < 4, $"mid-rollout: {before}");
        var paused = RolloutCommands.Pause(f.Status, f.Spec);
        Assert.Equal("paused: the rollout of revision 2 is held where it is", paused.Message);
        f.Status = paused.Status!;

        f.Settle();
        Assert.Equal(before, (f.Observed(2).Instances, f.Observed(1).Instances));
        Assert.Equal(f.Observed(2).Ready, f.Weight(2));
        Assert.Equal(f.Observed(1).Ready, f.Weight(1));
        Assert.Equal(RolloutPhase.Paused, f.Status.Phase);

        f.Status = RolloutCommands.Resume(f.Status, f.Now).Status!;
        f.Settle();
        Assert.Equal((RolloutPhase.Healthy, 2, 4), (f.Status.Phase, f.Status.StableRevision, f.Observed(2).Ready));
        Assert.False(f.Runs(1));
    }

    [Fact]
    public void A_recreate_paused_before_it_began_keeps_the_old_revision_serving()
    {
        var f = new PlannerFixture(new RecreateStrategy());
        f.Deploy(1);
        f.Settle();
        f.Deploy(2);
        f.Status = RolloutCommands.Pause(f.Status, f.Spec).Status!;

        f.Settle();
        Assert.Equal(3, f.Observed(1).Ready);
        Assert.False(f.Runs(2));
        Assert.Equal(3, f.Weight(1));
        Assert.Equal(RolloutPhase.Paused, f.Status.Phase);

        f.Status = RolloutCommands.Resume(f.Status, f.Now).Status!;
        f.Settle();
        Assert.Equal((RolloutPhase.Healthy, 2), (f.Status.Phase, f.Status.StableRevision));
    }

    [Fact]
    public void A_pause_with_nothing_rolling_out_holds_the_next_revision_until_resumed()
    {
        var f = CanaryPlannerTests.Stable();
        var paused = RolloutCommands.Pause(f.Status, f.Spec);
        Assert.Equal("paused: revision 1 serves; a new revision waits until resumed", paused.Message);
        f.Status = paused.Status!;
        f.Settle();
        Assert.Equal((RolloutPhase.Paused, Reasons.PausedByUser), (f.Status.Phase, f.Status.Reason));
        Assert.Equal(100, f.Weight(1));

        f.Deploy(2);
        f.Settle();
        Assert.False(f.Runs(2));
        Assert.Equal((RolloutPhase.Paused, 0), (f.Status.Phase, f.Status.CurrentStepIndex));

        f.Status = RolloutCommands.Resume(f.Status, f.Now).Status!;
        f.Settle();
        Assert.Equal((RolloutPhase.Paused, Reasons.CanaryPauseStep, 10), (f.Status.Phase, f.Status.Reason, f.Weight(2)));
    }

    [Fact]
    public void The_restart_limit_still_aborts_a_paused_rollout_traffic_first()
    {
        var f = CanaryPlannerTests.Stable();
        f.Deploy(2);
        f.Settle();
        f.Status = RolloutCommands.Pause(f.Status, f.Spec).Status!;
        f.Settle();

        for (var crash = 0; crash < 3; crash++)
        {
            f.Crash(2);
            f.Pass();
            f.Act();
        }

        f.Pass();
        Assert.True(f.Status.Aborted);
        Assert.Equal((RolloutPhase.Degraded, Reasons.MaxRestartsExceeded), (f.Status.Phase, f.Status.Reason));
        Assert.Equal(100, f.Weight(1));
        Assert.Equal(0, f.Last.Replicas.GetValueOrDefault(2));
    }

    [Fact]
    public void Time_held_is_not_a_lack_of_progress_the_deadline_counts_again_from_the_resume()
    {
        var f = CanaryPlannerTests.Stable(progressDeadlineSeconds: 60);
        f.Healthy.Remove(2);
        f.Deploy(2);
        f.Healthy.Remove(2); // the canary does not become ready while held
        f.Settle();
        f.Status = RolloutCommands.Pause(f.Status, f.Spec).Status!;
        f.Now += TimeSpan.FromMinutes(10);
        f.Settle();
        Assert.False(f.Status.Aborted);

        f.Status = RolloutCommands.Resume(f.Status, f.Now).Status!;
        f.Pass();
        Assert.False(f.Status.Aborted);
        Assert.Equal(nameof(WaitReason.CanaryNotAvailable), f.Status.Reason);
        f.Now += TimeSpan.FromSeconds(61);
        f.Pass();
        Assert.Equal(Reasons.ProgressDeadlineExceeded, f.Status.Reason);
    }

    [Fact]
    public void While_paused_promote_undo_and_restart_are_refused_and_pause_and_resume_say_why_they_do_not_apply()
    {
        var f = CanaryPlannerTests.Stable();
        f.Deploy(2);
        f.Settle();
        Assert.Equal("the rollout is not paused by a user: it waits at a pause of its strategy; promote to go on", RolloutCommands.Resume(f.Status, f.Now).Error);
        f.Status = RolloutCommands.Pause(f.Status, f.Spec).Status!;

        Assert.Equal("the rollout is paused by a user: resume it first", RolloutCommands.Promote(f.Status, f.Spec, full: true).Error);
        Assert.Equal("the rollout is paused by a user: resume it before undoing", RolloutCommands.Undo(f.Status).Error);
        Assert.Equal("the rollout is paused by a user: resume it before restarting", RolloutCommands.Restart(f.Status, f.Spec, f.Now).Error);
        Assert.Equal("the rollout is already paused; resume to go on", RolloutCommands.Pause(f.Status, f.Spec).Error);

        var aborted = RolloutCommands.Abort(f.Status); // the way out stays open
        Assert.Equal("aborted: traffic back to revision 1", aborted.Message);
        Assert.Equal("the rollout of revision 2 is aborted: nothing moves to be paused (retry starts it again)", RolloutCommands.Pause(aborted.Status! with { PausedByUser = false }, f.Spec).Error);
        Assert.Equal("the rollout is not paused", RolloutCommands.Resume(CanaryPlannerTests.Stable().Status, f.Now).Error);
    }

    [Fact]
    public void Every_command_moves_the_generation_on_and_a_pass_keeps_it()
    {
        var f = CanaryPlannerTests.Stable();
        var generation = f.Status.Generation;
        f.Deploy(2);
        Assert.Equal(generation + 1, f.Status.Generation);
        f.Settle();
        Assert.Equal(generation + 1, f.Status.Generation);

        f.Status = RolloutCommands.Pause(f.Status, f.Spec).Status!;
        f.Status = RolloutCommands.Resume(f.Status, f.Now).Status!;
        f.Status = RolloutCommands.Promote(f.Status, f.Spec, full: true).Status!;
        Assert.Equal(generation + 4, f.Status.Generation);
        f.Settle();
        Assert.Equal(generation + 4, f.Status.Generation);
    }
}
