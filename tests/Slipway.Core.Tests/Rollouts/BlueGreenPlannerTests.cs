using Slipway.Core.Rollouts;
using Slipway.Core.Spec;

namespace Slipway.Core.Tests.Rollouts;

public sealed class BlueGreenPlannerTests
{
    [Fact]
    public void Blue_green_serves_preview_then_switches_at_once_and_keeps_the_old_revision_for_the_delay()
    {
        var preview = new RouteSpec("web-preview.dev.localhost", "/");
        var f = new PlannerFixture(new BlueGreenStrategy(false, preview, 30));
        f.Deploy(1);
        f.Settle();
        f.Deploy(2);
        f.Settle();

        Assert.Equal(RolloutPhase.Paused, f.Status.Phase);
        Assert.Equal(Reasons.BlueGreenPause, f.Status.Reason);
        Assert.Equal(2, f.Last.Traffic.PreviewRevision);
        Assert.Equal(100, f.Weight(1));
        Assert.Equal(3, f.Observed(2).Ready);

        f.Status = RolloutCommands.Promote(f.Status, f.Spec, full: false).Status!;
        f.Pass();
        Assert.Equal(100, f.Weight(2));
        Assert.Equal(0, f.Weight(1));
        Assert.Equal(2, f.Status.StableRevision);
        Assert.Equal(f.Now + TimeSpan.FromSeconds(30), f.Last.WakeAt);
        f.Act();
        Assert.Equal(3, f.Observed(1).Ready); // still warm: going back is instant

        f.Now += TimeSpan.FromSeconds(31);
        f.Settle();
        Assert.False(f.Runs(1));
    }

    [Fact]
    public void Blue_green_with_auto_promotion_switches_when_ready()
    {
        var f = new PlannerFixture(new BlueGreenStrategy(true, new RouteSpec("p.localhost", "/"), 0));
        f.Deploy(1);
        f.Settle();
        f.Deploy(2);
        f.Settle();
        Assert.Equal(RolloutPhase.Healthy, f.Status.Phase);
        Assert.Equal(2, f.Status.StableRevision);
        Assert.False(f.Runs(1));
    }

    [Fact]
    public void A_preview_that_never_becomes_ready_aborts_at_the_deadline_with_its_reason_and_message()
    {
        var f = new PlannerFixture(new BlueGreenStrategy(true, new RouteSpec("p.localhost", "/"), 0), progressDeadlineSeconds: 20);
        f.Deploy(1);
        f.Settle();
        f.Status = RolloutCommands.StartRevision(f.Status, 2, f.Now).Status!;
        f.Settle();
        f.Now += TimeSpan.FromSeconds(21);
        f.Settle();

        Assert.True(f.Status.Aborted);
        Assert.Equal(RolloutPhase.Degraded, f.Status.Phase);
        Assert.Equal(Reasons.ProgressDeadlineExceeded, f.Status.Reason);
        Assert.Contains("preview route", f.Status.Message);
        Assert.Null(f.Last.Traffic.PreviewRevision);
        Assert.False(f.Runs(2));
    }
}
