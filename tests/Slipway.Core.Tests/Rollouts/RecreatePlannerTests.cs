using Slipway.Core.Rollouts;
using Slipway.Core.Spec;

namespace Slipway.Core.Tests.Rollouts;

public sealed class RecreatePlannerTests
{
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
        Assert.Equal(3, f.Last.Stop.Count);
        f.Act();
        f.Pass();
        Assert.Empty(f.Last.Start); // the old ones are still terminating
        f.Settle();
        Assert.Equal(2, f.Status.StableRevision);
        Assert.Equal(3, f.Observed(2).Ready);
    }
}
