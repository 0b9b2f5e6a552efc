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
    public async Task A_retry_never_lands_on_a_weight_0_revision()
    {
        await using var canary = await TestBackend.StartAsync("canary");
        await using var router = await RouterHarness.StartAsync(RouterHarness.Table(1,
            new BackendGroup("1", 100, [RouterHarness.DeadAddress()]),
            new BackendGroup("2", 0, [canary.Address])));

        using var response = await router.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(0, canary.Count);
    }

    [Fact]
    public async Task The_retry_of_a_header_matched_request_stays_on_the_header_revision()
    {
        await using var stable = await TestBackend.StartAsync("stable");
        await using var canary = await TestBackend.StartAsync("canary");
        var route = new RouteConfig("web/prod", "web", "prod", null, "/",
            [new BackendGroup("1", 100, [stable.Address]), new BackendGroup("2", 0, [RouterHarness.DeadAddress(), canary.Address])],
            HeaderRoute: new HeaderRouteConfig("2", [new HeaderMatchConfig("X-Canary", Exact: "yes")]));
        await using var router = await RouterHarness.StartAsync(RouterHarness.Table(1, route));

        for (var i = 0; i < 10; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/");
            request.Headers.Add("X-Canary", "yes");
            using var response = await router.Client.SendAsync(request);
            Assert.Equal("canary", await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(0, stable.Count);
        Assert.Equal(10, canary.Count);
    }

    [Fact]
    public async Task A_header_matched_request_is_not_retried_on_the_weighted_revisions()
    {
        await using var stable = await TestBackend.StartAsync("stable");
        var route = new RouteConfig("web/prod", "web", "prod", null, "/",
            [new BackendGroup("1", 100, [stable.Address]), new BackendGroup("2", 0, [RouterHarness.DeadAddress()])],
            HeaderRoute: new HeaderRouteConfig("2", [new HeaderMatchConfig("X-Canary", Exact: "yes")]));
        await using var router = await RouterHarness.StartAsync(RouterHarness.Table(1, route));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("X-Canary", "yes");
        using var response = await router.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(0, stable.Count);
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
