using System.Net;
using Slipway.Router.Tests.Infrastructure;

namespace Slipway.Router.Tests;

public sealed class RetryTests
{
    [Fact]
    public async Task A_GET_to_a_dead_endpoint_is_retried_on_the_other_endpoint()
    {
        await using var alive = await TestBackend.StartAsync("alive");
        var dead = RouterHarness.DeadAddress();
        await using var router = await RouterHarness.StartAsync(RouterHarness.Table(1, new BackendGroup("1", 100, [dead, alive.Address])));

        for (var i = 0; i < 10; i++)
        {
            using var response = await router.Client.GetAsync("/");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("alive", await response.Content.ReadAsStringAsync());
        }

        Assert.Contains("slipway_router_retries_total{app=\"web\",env=\"prod\"} 5", await router.MetricsAsync());
    }

    [Fact]
    public async Task A_retry_moves_to_another_revision_when_the_revision_has_no_other_endpoint()
    {
        await using var stable = await TestBackend.StartAsync("stable");
        await using var router = await RouterHarness.StartAsync(RouterHarness.Table(1,
            new BackendGroup("1", 50, [stable.Address]),
            new BackendGroup("2", 50, [RouterHarness.DeadAddress()])));

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal("stable", await router.Client.GetStringAsync("/"));
        }
    }

    [Fact]
    public async Task A_POST_with_a_body_is_not_retried_and_gets_502()
    {
        await using var router = await RouterHarness.StartAsync(RouterHarness.Table(1, new BackendGroup("1", 100, [RouterHarness.DeadAddress()])));

        using var response = await router.Client.PostAsync("/", new StringContent("x"));
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("slipway_router_retries_total{app=\"web\",env=\"prod\"} 0", await router.MetricsAsync());
    }
}
