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
