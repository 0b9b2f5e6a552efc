using Slipway.Router.Tests.Infrastructure;

namespace Slipway.Router.Tests;

public sealed class DrainingTests
{
    [Fact]
    public async Task A_removed_endpoint_finishes_its_in_flight_request_and_gets_no_new_ones()
    {
        await using var old = await TestBackend.StartAsync("old");
        await using var next = await TestBackend.StartAsync("new");
        await using var router = await RouterHarness.StartAsync(RouterHarness.Table(1, new BackendGroup("1", 100, [old.Address])));

        var inFlight = router.Client.GetAsync("/slow");
        await Eventually.TrueAsync(() => old.SlowWaiting == 1, "the slow request reaches the old endpoint");
        Assert.Equal(1, (await router.StateAsync()).GetProperty("inflight").GetProperty(old.Address).GetInt32());

        await router.ApplyAsync(RouterHarness.Table(2, new BackendGroup("2", 100, [next.Address])));
        var before = old.Count;
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal("new", await router.Client.GetStringAsync("/"));
        }

        Assert.Equal(before, old.Count);
        // Still reported while draining, so the controller knows to wait.
        var state = await router.StateAsync();
        Assert.Equal(1, state.GetProperty("inflight").GetProperty(old.Address).GetInt32());
        Assert.Equal(0, state.GetProperty("inflight").GetProperty(next.Address).GetInt32());

        old.ReleaseSlow();
        using var response = await inFlight;
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("old", await response.Content.ReadAsStringAsync());
        await Eventually.TrueAsync(async () => !(await router.StateAsync()).GetProperty("inflight").TryGetProperty(old.Address, out _),
            "the drained endpoint leaves the state");
    }
}
