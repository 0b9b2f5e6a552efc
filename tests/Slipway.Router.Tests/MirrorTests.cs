using System.Net;
using System.Text;
using Slipway.Router.Tests.Infrastructure;

namespace Slipway.Router.Tests;

public sealed class MirrorTests
{
    [Fact]
    public async Task Mirrored_copies_reach_the_canary_while_every_client_response_comes_from_stable()
    {
        await using var stable = await TestBackend.StartAsync("stable");
        await using var canary = await TestBackend.StartAsync("canary");
        var route = new RouteConfig("web/prod", "web", "prod", null, "/",
            [new BackendGroup("1", 100, [stable.Address]), new BackendGroup("2", 0, [canary.Address])],
            Mirror: new MirrorConfig("2", 50));
        await using var router = await RouterHarness.StartAsync(RouterHarness.Table(1, route));

        for (var i = 0; i < 100; i++)
        {
            using var response = await router.Client.PostAsync($"/orders?i={i}", new StringContent($"order {i}", Encoding.UTF8, "text/plain"));
            Assert.Equal("stable", await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(100, stable.Count);
        await Eventually.TrueAsync(() => canary.Count == 50, "50 mirrored copies reach the canary");
        Assert.All(canary.Received, r => Assert.Equal("1", r.Headers["X-Slipway-Mirror"]));
        Assert.All(canary.Received, r => Assert.Equal("POST", r.Method));
        Assert.DoesNotContain(stable.Received, r => r.Headers.ContainsKey("X-Slipway-Mirror"));

        var metrics = await router.MetricsAsync();
        Assert.Contains("slipway_router_mirrored_requests_total{app=\"web\",env=\"prod\",revision=\"2\"} 50", metrics);
    }

    [Fact]
    public async Task A_header_matched_POST_reaches_the_canary_exactly_once_when_the_canary_is_also_the_mirror()
    {
        await using var stable = await TestBackend.StartAsync("stable");
        await using var canary = await TestBackend.StartAsync("canary");
        var route = new RouteConfig("web/prod", "web", "prod", null, "/",
            [new BackendGroup("1", 100, [stable.Address]), new BackendGroup("2", 0, [canary.Address])],
            HeaderRoute: new HeaderRouteConfig("2", [new HeaderMatchConfig("X-Canary", Exact: "yes")]),
            Mirror: new MirrorConfig("2", 100));
        await using var router = await RouterHarness.StartAsync(RouterHarness.Table(1, route));

        using (var order = new HttpRequestMessage(HttpMethod.Post, "/orders") { Content = new StringContent("order 1", Encoding.UTF8, "text/plain") })
        {
            order.Headers.Add("X-Canary", "yes");
            using var response = await router.Client.SendAsync(order);
            Assert.Equal("canary", await response.Content.ReadAsStringAsync());
        }

        // A request served by stable is still mirrored. Its copy reaching the canary is the sign that a copy of the
        // first request, sent earlier, would have arrived too.
        using (var other = await router.Client.PostAsync("/other", new StringContent("order 2", Encoding.UTF8, "text/plain")))
        {
            Assert.Equal("stable", await other.Content.ReadAsStringAsync());
        }

        await Eventually.TrueAsync(() => canary.Received.Any(r => r.Path == "/other"), "the copy of the stable request reaches the canary");
        var orders = canary.Received.Where(r => r.Path == "/orders").ToList();
        Assert.Single(orders);
        Assert.False(orders[0].Headers.ContainsKey("X-Slipway-Mirror"));
        Assert.Contains("slipway_router_mirrored_requests_total{app=\"web\",env=\"prod\",revision=\"2\"} 1", await router.MetricsAsync());
    }

    [Fact]
    public async Task The_retry_of_a_mirrored_request_does_not_land_on_the_mirror_revision()
    {
        await using var other = await TestBackend.StartAsync("other");
        await using var canary = await TestBackend.StartAsync("canary");
        // Revision 1 is dead; its requests are mirrored to the canary (2), and their retries must go to 3, never to 2.
        var route = new RouteConfig("web/prod", "web", "prod", null, "/",
            [
                new BackendGroup("1", 50, [RouterHarness.DeadAddress()]),
                new BackendGroup("2", 25, [canary.Address]),
                new BackendGroup("3", 25, [other.Address]),
            ],
            Mirror: new MirrorConfig("2", 100));
        await using var router = await RouterHarness.StartAsync(RouterHarness.Table(1, route));

        for (var i = 0; i < 40; i++)
        {
            using var response = await router.Client.GetAsync($"/items/{i}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Weights 2:1:1 over 40 requests: 20 to the dead revision (copied to the canary, retried on 3), 10 served by
        // the canary (not copied), 10 served by 3 (copied). Every request reaches the canary once, and only once.
        Assert.Contains("slipway_router_mirrored_requests_total{app=\"web\",env=\"prod\",revision=\"2\"} 30", await router.MetricsAsync());
        await Eventually.TrueAsync(() => canary.Count == 40, $"40 requests reach the canary (now {canary.Count})");
        Assert.All(canary.Received.GroupBy(r => r.Path), g => Assert.Single(g));
        Assert.Equal(30, other.Count);
    }

    [Fact]
    public async Task A_mirrored_request_body_reaches_both_revisions_intact()
    {
        await using var stable = await TestBackend.StartAsync("stable");
        await using var canary = await TestBackend.StartAsync("canary");
        var route = new RouteConfig("web/prod", "web", "prod", null, "/",
            [new BackendGroup("1", 100, [stable.Address]), new BackendGroup("2", 0, [canary.Address])],
            Mirror: new MirrorConfig("2", 100));
        await using var router = await RouterHarness.StartAsync(RouterHarness.Table(1, route));

        var body = TestBackend.Pattern(30_000);
        using var response = await router.Client.PostAsync("/echo", new ByteArrayContent(body));
        Assert.Equal(body, await response.Content.ReadAsByteArrayAsync());
        await Eventually.TrueAsync(() => canary.Count == 1, "the copy reaches the canary");
    }

    [Fact]
    public async Task A_mirror_that_does_not_answer_does_not_delay_the_client()
    {
        await using var stable = await TestBackend.StartAsync("stable");
        await using var canary = await TestBackend.StartAsync("canary");
        var route = new RouteConfig("web/prod", "web", "prod", null, "/",
            [new BackendGroup("1", 100, [stable.Address]), new BackendGroup("2", 0, [canary.Address])],
            Mirror: new MirrorConfig("2", 100));
        await using var router = await RouterHarness.StartAsync(RouterHarness.Table(1, route));

        // Both backends hold /slow until released. Releasing only stable must complete the client's request while
        // the canary still holds its copy.
        var pending = router.Client.GetAsync("/slow");
        await Eventually.TrueAsync(() => canary.SlowWaiting == 1 && stable.SlowWaiting == 1, "both hold /slow");
        stable.ReleaseSlow();
        using var response = await pending;
        Assert.Equal("stable", await response.Content.ReadAsStringAsync());
        Assert.Equal(1, canary.SlowWaiting);
        canary.ReleaseSlow();
    }
}
