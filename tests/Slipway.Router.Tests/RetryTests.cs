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

    [Fact]
    public async Task A_GET_whose_connection_closes_before_any_response_is_retried_on_the_other_endpoint()
    {
        await using var closing = await RawBackend.StartAsync(RawBehaviour.ClosesBeforeResponse);
        await using var alive = await TestBackend.StartAsync("alive");
        await using var router = await RouterHarness.StartAsync(RouterHarness.Table(1, new BackendGroup("1", 100, [closing.Address, alive.Address])));

        // Round-robin sends every other request to the closing endpoint first.
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal("alive", await router.Client.GetStringAsync("/"));
        }

        // SocketsHttpHandler itself tries a bodiless request again on a new connection (up to 3 times) when one closes
        // before any response byte; the router's retry comes after that.
        Assert.InRange(closing.Requests, 5, 20);
        Assert.Contains("slipway_router_retries_total{app=\"web\",env=\"prod\"} 5", await router.MetricsAsync());
    }

    [Fact]
    public async Task A_POST_whose_connection_closes_before_any_response_is_not_retried_and_gets_502()
    {
        await using var closing = await RawBackend.StartAsync(RawBehaviour.ClosesBeforeResponse);
        await using var alive = await TestBackend.StartAsync("alive");
        await using var router = await RouterHarness.StartAsync(RouterHarness.Table(1, new BackendGroup("1", 100, [closing.Address, alive.Address])));

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await router.Client.PostAsync("/", new StringContent("order"));
            statuses.Add(response.StatusCode);
        }

        // Round-robin: every other POST reached the closing backend, which may have acted on it.
        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.BadGateway));
        Assert.Equal(2, alive.Count);
        Assert.Contains("slipway_router_retries_total{app=\"web\",env=\"prod\"} 0", await router.MetricsAsync());
    }

    [Fact]
    public async Task A_GET_to_an_endpoint_whose_connect_times_out_is_retried_on_the_other_endpoint()
    {
        await using var full = await RawBackend.StartAsync(RawBehaviour.NeverAccepts);
        await using var alive = await TestBackend.StartAsync("alive");
        await using var router = await RouterHarness.StartAsync(
            RouterHarness.Table(1, new BackendGroup("1", 100, [full.Address, alive.Address])),
            options => options with { ConnectTimeout = TimeSpan.FromMilliseconds(300) });

        for (var i = 0; i < 4; i++)
        {
            using var response = await router.Client.GetAsync("/");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("alive", await response.Content.ReadAsStringAsync());
        }

        Assert.Contains("slipway_router_retries_total{app=\"web\",env=\"prod\"} 2", await router.MetricsAsync());
    }

    [Fact]
    public async Task A_backend_that_dies_in_the_middle_of_its_body_cuts_the_client_connection_and_is_not_retried()
    {
        await using var dying = await RawBackend.StartAsync(RawBehaviour.DiesMidBody);
        await using var alive = await TestBackend.StartAsync("alive");
        await using var router = await RouterHarness.StartAsync(RouterHarness.Table(1, new BackendGroup("1", 100, [alive.Address, dying.Address])));

        // The status line is already on its way: the only honest signal left is a broken connection, never a short
        // body that looks complete.
        var failure = await Record.ExceptionAsync(() => router.Client.GetByteArrayAsync("/"));
        Assert.True(failure is HttpRequestException or IOException, $"expected a broken connection, got {failure}");
        Assert.Equal(1, dying.Requests);
        Assert.Equal(0, alive.Count);
        Assert.Contains("slipway_router_retries_total{app=\"web\",env=\"prod\"} 0", await router.MetricsAsync());
    }
}
