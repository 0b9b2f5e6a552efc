using Slipway.Core.Rollouts;
using Slipway.Core.Spec;

namespace Slipway.Core.Tests.Rollouts;

public sealed class CanaryPlannerTests
{
    internal static PlannerFixture Stable(int minReadySeconds = 0, int progressDeadlineSeconds = 600, int replicas = 3)
    {
        var f = new PlannerFixture(
            new CanaryStrategy(
            [
                new SetWeightStep(10),
                new PauseStep(null),
                new SetWeightStep(50),
                new PauseStep(TimeSpan.FromSeconds(30)),
                new SetWeightStep(100),
            ]),
            replicas: replicas,
            progressDeadlineSeconds: progressDeadlineSeconds,
            minReadySeconds: minReadySeconds);
        f.Deploy(1);
        f.Settle();
        f.Now += TimeSpan.FromSeconds(minReadySeconds);
        f.Settle();
        Assert.Equal(RolloutPhase.Healthy, f.Status.Phase);
        Assert.Equal(1, f.Status.StableRevision);
        return f;
    }

    [Fact]
    public void First_revision_is_deployed_without_steps()
    {
        var f = Stable();
        Assert.Equal(3, f.Observed(1).Ready);
        Assert.Equal(100, f.Weight(1));
        Assert.Equal([1], f.Status.StableHistory);
    }

    [Fact]
    public void Canary_sets_weight_at_the_router_then_pauses_until_promoted()
    {
        var f = Stable();
        f.Deploy(2);
        f.Settle();

        Assert.Equal(RolloutPhase.Paused, f.Status.Phase);
        Assert.Equal(1, f.Status.CurrentStepIndex);
        Assert.Equal(90, f.Weight(1));
        Assert.Equal(10, f.Weight(2));
        Assert.Equal(3, f.Last.Replicas[1]); // stable keeps every replica: weights are not replica ratios
        Assert.Equal(1, f.Last.Replicas[2]);

        f.Status = RolloutCommands.Promote(f.Status, f.Spec, full: false).Status!;
        f.Healthy.Remove(2);
        f.Settle();
        Assert.Equal(RolloutPhase.Progressing, f.Status.Phase); // waiting for the second canary instance, no longer paused
        Assert.Equal(nameof(WaitReason.CanaryNotAvailable), f.Status.Reason);
        Assert.Equal(2, f.Status.CurrentStepIndex);
        Assert.Equal(1, f.Observed(2).Ready);
        Assert.Equal(2, f.Observed(2).Instances); // the new one is there, not ready
        f.Healthy.Add(2);
        f.Settle();
        Assert.Equal(RolloutPhase.Paused, f.Status.Phase);
        Assert.Equal(3, f.Status.CurrentStepIndex);
        Assert.Equal(50, f.Weight(2));
        Assert.Equal(2, f.Last.Replicas[2]);
    }

    [Fact]
    public void Timed_pause_resumes_by_itself_and_the_canary_completes()
    {
        var f = Stable();
        f.Deploy(2);
        f.Settle();
        f.Status = RolloutCommands.Promote(f.Status, f.Spec, full: false).Status!;
        f.Settle();
        Assert.Equal(3, f.Status.CurrentStepIndex);
        Assert.Equal(f.Now + TimeSpan.FromSeconds(30), f.Last.WakeAt);

        f.Now += TimeSpan.FromSeconds(29);
        f.Settle();
        Assert.Equal(RolloutPhase.Paused, f.Status.Phase);

        f.Now += TimeSpan.FromSeconds(2);
        f.Settle();
        Assert.Equal(RolloutPhase.Healthy, f.Status.Phase);
        Assert.Equal(2, f.Status.StableRevision);
        Assert.Equal(100, f.Weight(2));
        Assert.False(f.Runs(1));
        Assert.Contains(f.Events, e => e.Reason == Reasons.RolloutCompleted && e.Revision == 2);
        Assert.Equal([1, 2], f.Status.StableHistory);
    }

    [Fact]
    public void Promote_full_skips_remaining_steps()
    {
        var f = Stable();
        f.Deploy(2);
        f.Settle();
        f.Status = RolloutCommands.Promote(f.Status, f.Spec, full: true).Status!;
        f.Settle();
        Assert.Equal(RolloutPhase.Healthy, f.Status.Phase);
        Assert.Equal(2, f.Status.StableRevision);
    }

    [Fact]
    public void Promote_when_not_paused_is_refused()
    {
        var f = Stable();
        Assert.NotNull(RolloutCommands.Promote(f.Status, f.Spec, full: false).Error);
    }

    [Fact]
    public void Abort_moves_traffic_to_stable_in_the_same_pass_and_scales_the_canary_down()
    {
        var f = Stable();
        f.Deploy(2);
        f.Settle();
        f.Status = RolloutCommands.Abort(f.Status).Status!;
        f.Pass();

        Assert.Equal(100, f.Weight(1));
        Assert.Equal(0, f.Weight(2));
        Assert.Equal(0, f.Last.Replicas.GetValueOrDefault(2));
        Assert.Equal(f.Instances.Where(i => i.Revision == 2).Select(i => i.Id), f.Last.Stop);
        Assert.Equal(RolloutPhase.Degraded, f.Status.Phase);
        Assert.Equal(Reasons.AbortedByUser, f.Status.Reason);
        Assert.NotNull(f.Status.Message);

        f.Status = RolloutCommands.Retry(f.Status, f.Now).Status!;
        f.Settle();
        Assert.Equal(RolloutPhase.Paused, f.Status.Phase);
        Assert.Equal(10, f.Weight(2));
    }

    [Fact]
    public void Canary_that_never_becomes_ready_gets_no_weight_and_aborts_at_the_progress_deadline()
    {
        var f = Stable(progressDeadlineSeconds: 60);
        f.Status = RolloutCommands.StartRevision(f.Status, 2, f.Now).Status!; // revision 2 is not healthy
        f.Settle();
        Assert.Equal(RolloutPhase.Progressing, f.Status.Phase);
        Assert.Equal(0, f.Weight(2));
        Assert.Equal(f.Now + TimeSpan.FromSeconds(60), f.Last.WakeAt);

        f.Now += TimeSpan.FromSeconds(61);
        f.Settle();
        Assert.Equal(RolloutPhase.Degraded, f.Status.Phase);
        Assert.Equal(Reasons.ProgressDeadlineExceeded, f.Status.Reason);
        Assert.Contains("0/1 canary instances available", f.Status.Message);
        Assert.True(f.Status.Aborted);
        Assert.Equal(100, f.Weight(1));
        Assert.False(f.Runs(2));
    }

    [Fact]
    public void Header_route_and_mirror_steps_target_the_canary()
    {
        var f = new PlannerFixture(new CanaryStrategy(
        [
            new SetHeaderRouteStep("beta", [new HeaderMatch("X-Canary", new StringMatch(Exact: "yes"))]),
            new SetMirrorStep(20),
            new PauseStep(null),
        ]));
        f.Deploy(1);
        f.Settle();
        f.Deploy(2);
        f.Settle();

        Assert.Equal(RolloutPhase.Paused, f.Status.Phase);
        Assert.Equal(2, f.Last.Traffic.HeaderRevision);
        Assert.Equal("X-Canary", f.Last.Traffic.HeaderRoute!.Match[0].HeaderName);
        Assert.Equal(new MirrorPlan(2, 20), f.Last.Traffic.Mirror);
        Assert.Equal(100, f.Weight(1));
    }

    [Fact]
    public void A_new_revision_during_a_canary_replaces_the_canary_and_starts_over()
    {
        var f = Stable();
        f.Deploy(2);
        f.Settle();
        f.Deploy(3);
        f.Settle();
        Assert.Equal(1, f.Status.StableRevision);
        Assert.Equal(3, f.Status.UpdatedRevision);
        Assert.Equal(1, f.Status.CurrentStepIndex);
        Assert.False(f.Runs(2));
        Assert.Equal(10, f.Weight(3));
    }

    [Fact]
    public void Planning_again_with_the_same_inputs_gives_the_same_plan()
    {
        var f = Stable();
        f.Deploy(2);
        f.Settle();
        var context = f.Context;
        var first = RolloutPlanner.Plan(context);
        var second = RolloutPlanner.Plan(context);
        Assert.True(first.Status.IsEquivalentTo(second.Status));
        Assert.Equal(first.Replicas, second.Replicas);
        Assert.Equal(first.Start, second.Start);
        Assert.Equal(first.Stop, second.Stop);
        Assert.Equal(first.Traffic.Main, second.Traffic.Main);
    }

    [Fact]
    public void A_step_waits_until_the_canary_has_been_ready_for_min_ready_seconds()
    {
        var f = Stable(minReadySeconds: 10);
        f.Deploy(2);
        f.Settle();
        Assert.Equal(0, f.Status.CurrentStepIndex); // the canary is ready, not yet available
        Assert.Equal(0, f.Weight(2));
        Assert.Equal(1, f.Observed(2).Ready);
        var readySince = f.Instances.Single(i => i.Revision == 2).ReadySince!.Value;
        Assert.Equal(readySince + TimeSpan.FromSeconds(10), f.Last.WakeAt);

        f.Now += TimeSpan.FromSeconds(10);
        f.Settle();
        Assert.Equal(RolloutPhase.Paused, f.Status.Phase);
        Assert.Equal(10, f.Weight(2));
    }
}
