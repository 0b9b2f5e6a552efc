using Slipway.Router.Tests.Infrastructure;

namespace Slipway.Router.Tests;

public sealed class WeightedRoutingTests
{
    [Fact]
    public async Task Weight_10_sends_10_percent_of_2000_requests_to_the_canary()
    {
        await using var stable = await TestBackend.StartAsync("stable");
        await using var canary = await TestBackend.StartAsync("canary");
        await using var router = await RouterHarness.StartAsync(RouterHarness.Table(1,
            new BackendGroup("1", 90, [stable.Address]),
            new BackendGroup("2", 10, [canary.Address])));

        var byName = new Dictionary<string, int>();
        for (var i = 0; i < 2000; i++)
        {
            var name = await router.Client.GetStringAsync("/");
            byName[name] = byName.GetValueOrDefault(name) + 1;
        }

        var share = byName.GetValueOrDefault("canary") / 2000.0;
        Assert.InRange(share, 0.08, 0.12);
        Assert.Equal(2000, byName.GetValueOrDefault("canary") + byName.GetValueOrDefault("stable"));
    }

    [Fact]
    public async Task Requests_are_balanced_across_the_endpoints_of_a_revision()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var router = await RouterHarness.StartAsync(RouterHarness.Table(1, new BackendGroup("1", 100, [a.Address, b.Address])));

        for (var i = 0; i < 100; i++)
        {
            await router.Client.GetStringAsync("/");
        }

        Assert.Equal(50, a.Count);
        Assert.Equal(50, b.Count);
    }

    [Fact]
    public async Task A_weighted_revision_without_endpoints_leaves_its_traffic_to_the_others()
    {
        await using var stable = await TestBackend.StartAsync("stable");
        await using var router = await RouterHarness.StartAsync(RouterHarness.Table(1,
            new BackendGroup("1", 50, [stable.Address]),
            new BackendGroup("2", 50, [])));

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal("stable", await router.Client.GetStringAsync("/"));
        }
    }
}
