using Slipway.Core.Rollouts;
using Slipway.Core.Spec;

namespace Slipway.Core.Tests.Rollouts;

public sealed class OtherStrategyPlannerTests
{
    [Fact]
    public void Rolling_honours_max_surge_and_max_unavailable_at_every_pass()
    {
        var f = new PlannerFixture(new RollingStrategy(IntOrPercent.Count(1), IntOrPercent.Count(0)), replicas: 4);
        f.Deploy(1);
        f.Settle();
        f.Deploy(2);

        for (var pass = 0; pass < 30 && f.Status.StableRevision != 2; pass++)
        {
            f.Pass();
            var total = f.Last.Replicas.Values.Sum();
            Assert.True(total <= 5, $"pass {pass}: {total} instances exceed replicas + maxSurge");
            f.Act();
            var ready = f.Observed.Values.Sum(o => o.Ready);
            Assert.True(ready >= 4, $"pass {pass}: only {ready} ready, below replicas - maxUnavailable");
        }

        Assert.Equal(2, f.Status.StableRevision);
        Assert.Equal(RolloutPhase.Healthy, f.Status.Phase);
        Assert.Equal(4, f.Observed[2].Ready);
        Assert.False(f.Observed.ContainsKey(1));
    }

    [Fact]
    public void Rolling_with_percentages_resolves_surge_up_and_unavailable_down()
    {
        var f = new PlannerFixture(new RollingStrategy(IntOrPercent.Percent(25), IntOrPercent.Percent(25)), replicas: 3);
        f.Deploy(1);
        f.Settle();
        f.Deploy(2);
        f.Pass();
        // surge ceil(0.75) = 1, unavailable floor(0.75) = 0: one new instance first, no old one removed yet
        Assert.Equal(1, f.Last.Replicas[2]);
        Assert.Equal(3, f.Last.Replicas[1]);
        f.Settle();
        Assert.Equal(2, f.Status.StableRevision);
    }

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
        Assert.Equal(3, f.Observed[2].Ready);

        f.Status = RolloutCommands.Promote(f.Status, full: false).Status!;
        f.Pass();
        Assert.Equal(100, f.Weight(2));
        Assert.Equal(0, f.Weight(1));
        Assert.Equal(2, f.Status.StableRevision);
        f.Act();
        Assert.Equal(3, f.Observed[1].Ready); // still warm: going back is instant

        f.Now += TimeSpan.FromSeconds(31);
        f.Settle();
        Assert.False(f.Observed.ContainsKey(1));
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
        Assert.False(f.Observed.ContainsKey(1));
    }

    [Fact]
    public void Recreate_stops_every_old_instance_before_starting_new_ones()
    {
        var f = new PlannerFixture(new RecreateStrategy());
        f.Deploy(1);
        f.Settle();
        f.Deploy(2);
        f.Pass();
        Assert.Equal(0, f.Last.Replicas.GetValueOrDefault(1));
        Assert.Equal(0, f.Last.Replicas.GetValueOrDefault(2));
        f.Act();
        f.Settle();
        Assert.Equal(2, f.Status.StableRevision);
        Assert.Equal(3, f.Observed[2].Ready);
    }

    [Fact]
    public void First_deploy_that_never_becomes_ready_is_degraded_at_the_deadline_but_keeps_running()
    {
        var f = new PlannerFixture(new RollingStrategy(IntOrPercent.Percent(25), IntOrPercent.Percent(25)), progressDeadlineSeconds: 10);
        f.Status = RolloutCommands.StartRevision(f.Status, 1, f.Now);
        f.Settle();
        f.Now += TimeSpan.FromSeconds(11);
        f.Settle();
        Assert.Equal(RolloutPhase.Degraded, f.Status.Phase);
        Assert.Equal(3, f.Last.Replicas[1]);
    }

    [Fact]
    public void Int_or_percent_resolves_like_kubernetes()
    {
        Assert.Equal(1, IntOrPercent.Percent(25).Resolve(3, roundUp: true));
        Assert.Equal(0, IntOrPercent.Percent(25).Resolve(3, roundUp: false));
        Assert.Equal(2, IntOrPercent.Count(2).Resolve(10, roundUp: false));
    }
}
