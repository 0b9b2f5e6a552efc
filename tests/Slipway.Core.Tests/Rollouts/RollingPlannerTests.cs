using Slipway.Core.Rollouts;
using Slipway.Core.Spec;

namespace Slipway.Core.Tests.Rollouts;

public sealed class RollingPlannerTests
{
    [Fact]
    public void Rolling_honours_max_surge_and_max_unavailable_at_every_pass()
    {
        var f = new PlannerFixture(new RollingStrategy(IntOrPercent.Count(1), IntOrPercent.Count(0)), replicas: 4);
        f.Deploy(1);
        f.Settle();
        f.Deploy(2);

        for (var pass = 0; pass < 40 && f.Status.StableRevision != 2; pass++)
        {
            f.Pass();
            var total = f.Last.Replicas.Values.Sum();
            Assert.True(total <= 5, $"pass {pass}: {total} instances exceed replicas + maxSurge");
            f.Act();
            var ready = f.Instances.Count(i => i.Ready && !i.Terminating);
            Assert.True(ready >= 4, $"pass {pass}: only {ready} ready, below replicas - maxUnavailable");
        }

        f.Settle();
        Assert.Equal(2, f.Status.StableRevision);
        Assert.Equal(RolloutPhase.Healthy, f.Status.Phase);
        Assert.Equal(4, f.Observed(2).Ready);
        Assert.False(f.Runs(1));
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
    public void Rolling_removes_an_old_instance_only_once_a_new_one_is_available()
    {
        var f = new PlannerFixture(new RollingStrategy(IntOrPercent.Count(1), IntOrPercent.Count(0)), replicas: 2, minReadySeconds: 10);
        f.Deploy(1);
        f.Settle();
        f.Now += TimeSpan.FromSeconds(10);
        f.Settle();
        f.Deploy(2);
        f.Settle();
        Assert.Equal(1, f.Observed(2).Ready); // ready, not yet available
        Assert.Equal(2, f.Observed(1).Instances);

        f.Now += TimeSpan.FromSeconds(10);
        f.Settle();
        Assert.Equal(1, f.Observed(1).Instances);
    }

    [Fact]
    public void First_deploy_that_never_becomes_ready_is_degraded_at_the_deadline_but_keeps_running()
    {
        var f = new PlannerFixture(new RollingStrategy(IntOrPercent.Percent(25), IntOrPercent.Percent(25)), progressDeadlineSeconds: 10);
        f.Status = RolloutCommands.StartRevision(f.Status, 1, f.Now).Status!;
        f.Settle();
        f.Now += TimeSpan.FromSeconds(11);
        f.Settle();
        Assert.Equal(RolloutPhase.Degraded, f.Status.Phase);
        Assert.Equal(Reasons.ProgressDeadlineExceeded, f.Status.Reason);
        Assert.NotNull(f.Status.Message);
        Assert.Equal(3, f.Last.Replicas[1]);

        f.Healthy.Add(1);
        f.Settle();
        Assert.Equal(RolloutPhase.Healthy, f.Status.Phase);
    }

    [Fact]
    public void Int_or_percent_resolves_like_kubernetes()
    {
        Assert.Equal(1, IntOrPercent.Percent(25).Resolve(3, roundUp: true));
        Assert.Equal(0, IntOrPercent.Percent(25).Resolve(3, roundUp: false));
        Assert.Equal(2, IntOrPercent.Count(2).Resolve(10, roundUp: false));
    }
}
