using System.Net;
using Slipway.Router.Tests.Infrastructure;

namespace Slipway.Router.Tests;

public sealed class ErrorResponseTests
{
    [Fact]
    public async Task No_matching_route_is_404()
    {
        await using var backend = await TestBackend.StartAsync("web");
        await using var router = await RouterHarness.StartAsync(new RouterConfig(1, [
            new RouteConfig("web/prod", "web", "prod", "web.test", "/app", [new BackendGroup("1", 100, [backend.Address])]),
        ]));

        using var response = await router.Client.GetAsync("/other");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("no route\n", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, backend.Count);
    }

    [Fact]
    public async Task A_route_without_endpoints_is_503()
    {
        await using var router = await RouterHarness.StartAsync(RouterHarness.Table(1, new BackendGroup("1", 100, [])));

        using var response = await router.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("slipway_router_requests_total{app=\"web\",env=\"prod\",revision=\"none\",code=\"503\"} 1", await router.MetricsAsync());
    }

    [Fact]
    public async Task A_route_whose_weighted_revisions_have_no_endpoints_is_503_even_when_a_weight_0_revision_has_some()
    {
        await using var canary = await TestBackend.StartAsync("canary");
        await using var router = await RouterHarness.StartAsync(RouterHarness.Table(1,
            new BackendGroup("1", 100, []),
            new BackendGroup("2", 0, [canary.Address])));

        for (var i = 0; i < 10; i++)
        {
            using var response = await router.Client.GetAsync("/");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("no endpoints available\n", await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(0, canary.Count);
    }

    [Fact]
    public async Task A_backend_slower_than_the_timeout_is_504()
    {
        await using var backend = await TestBackend.StartAsync("web");
        await using var router = await RouterHarness.StartAsync(
            RouterHarness.Table(1, new BackendGroup("1", 100, [backend.Address])),
            options => options with { BackendTimeout = TimeSpan.FromMilliseconds(300) });

        using var response = await router.Client.GetAsync("/sleep?ms=5000");
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);

        // The connection pool and the pooled cancellation sources still work afterwards.
        Assert.Equal("web", await router.Client.GetStringAsync("/"));
    }

    [Fact]
    public async Task A_dead_only_endpoint_is_502()
    {
        await using var router = await RouterHarness.StartAsync(RouterHarness.Table(1, new BackendGroup("1", 100, [RouterHarness.DeadAddress()])));

        using var response = await router.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
    }
}
