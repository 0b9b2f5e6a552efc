using Slipway.Core.Rollouts;
using Slipway.Core.Spec;

namespace Slipway.Core.Tests.Rollouts;

public sealed class InstanceSelectionTests
{
    [Fact]
    public void Restart_replaces_the_stable_instances_one_at_a_time_never_below_full_capacity()
    {
        var f = new PlannerFixture(new CanaryStrategy([new SetWeightStep(100)]));
        f.Deploy(1);
        f.Settle();
        var old = f.Instances.Select(i => i.Id).ToHashSet();
        f.Now += TimeSpan.FromSeconds(1);
        f.Status = RolloutCommands.Restart(f.Status, f.Spec, f.Now).Status!;

        for (var round = 0; round < 30 && f.Instances.Any(i => old.Contains(i.Id)); round++)
        {
            f.Pass();
            Assert.True(f.Last.Stop.Count <= 1);
            Assert.True(f.Last.Start.Values.Sum() <= 1);
            Assert.All(f.Last.Stop, id => Assert.Contains(id, old)); // only old instances go
            f.Act();
            Assert.True(f.Instances.Count(i => i.Ready && !i.Terminating) >= 3);
        }

        f.Settle();
        Assert.Equal(3, f.Observed(1).Ready);
        Assert.DoesNotContain(f.Instances, i => old.Contains(i.Id));
        Assert.Equal(RolloutPhase.Healthy, f.Status.Phase);
    }

    [Fact]
    public void Scale_down_stops_not_ready_instances_first_then_the_newest()
    {
        var now = new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
        ObservedInstance Instance(string id, int minutesAgo, bool ready) =>
            new(id, 1, now.AddMinutes(-minutesAgo), ready, ready ? now.AddMinutes(-minutesAgo) : null, 0, false);
        var instances = new[] { Instance("old", 30, true), Instance("broken", 20, false), Instance("new", 10, true), Instance("newest", 5, true) };

        var (start, stop) = InstanceSelection.Select(new Dictionary<int, int> { [1] = 2 }, instances, RolloutStatus.Empty with { StableRevision = 1 }, now, TimeSpan.Zero);

        Assert.Empty(start);
        Assert.Equal(["broken", "newest"], stop);
    }

    [Fact]
    public void Terminating_instances_are_neither_counted_nor_stopped_again()
    {
        var now = new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
        var instances = new[]
        {
            new ObservedInstance("a", 1, now, true, now, 0, false),
            new ObservedInstance("b", 1, now, false, null, 0, true),
        };

        var (start, stop) = InstanceSelection.Select(new Dictionary<int, int> { [1] = 2 }, instances, RolloutStatus.Empty, now, TimeSpan.Zero);

        Assert.Equal(1, start[1]);
        Assert.Empty(stop);
    }
}
