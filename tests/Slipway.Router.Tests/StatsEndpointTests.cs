using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Slipway.Router.Metrics;
using Slipway.Router.Tests.Infrastructure;

namespace Slipway.Router.Tests;

/// <summary>
/// <c>GET /stats</c> on the admin listener of a real router: per-revision requests, errors (the backend's 5xx and the
/// router's own 502, 503 and 504), rates and latency quantiles over a window, filters, and refused queries.
/// </summary>
public sealed class StatsEndpointTests
{
    [Fact]
    public async Task Each_revision_reports_its_requests_errors_rates_and_latency_over_the_window()
    {
        await using var stable = await TestBackend.StartAsync("stable");
        await using var canary = await TestBackend.StartAsync("canary");
        await using var router = await RouterHarness.StartAsync(new RouterConfig(1, [
            new RouteConfig("web/prod", "web", "prod", null, "/", [new BackendGroup("1", 100, [stable.Address]), new BackendGroup("2", 0, [canary.Address])],
                new HeaderRouteConfig("2", [new HeaderMatchConfig("X-Canary", "yes")])),
        ]));

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await router.Client.GetAsync("/")).StatusCode);
        }

        for (var i = 0; i < 10; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, i < 4 ? "/status?code=500" : i < 6 ? "/status?code=404" : "/sleep?ms=20");
            request.Headers.Add("X-Canary", "yes");
            await router.Client.SendAsync(request);
        }

        var stats = await StatsAsync(router, "?window=60s");
        Assert.Equal(60, stats.GetProperty("windowSeconds").GetInt32());
        var revisions = stats.GetProperty("revisions").EnumerateArray().ToList();
        Assert.Equal(["1", "2"], revisions.Select(r => r.GetProperty("revision").GetString()));

        var first = revisions[0];
        Assert.Equal("web", first.GetProperty("app").GetString());
        Assert.Equal("prod", first.GetProperty("environment").GetString());
        Assert.Equal(20, first.GetProperty("requests").GetInt64());
        Assert.Equal(0, first.GetProperty("errors").GetInt64());
        Assert.Equal(1.0, first.GetProperty("successRate").GetDouble());
        Assert.Equal(0.0, first.GetProperty("errorRate").GetDouble());
        Assert.True(first.GetProperty("requestsPerSecond").GetDouble() > 0);
        Assert.InRange(first.GetProperty("windowSeconds").GetInt32(), 1, 60);

        var second = revisions[1];
        Assert.Equal(10, second.GetProperty("requests").GetInt64());
        Assert.Equal(4, second.GetProperty("errors").GetInt64()); // the 404s are the client's problem, not the revision's
        Assert.Equal(0.6, second.GetProperty("successRate").GetDouble(), precision: 9);
        Assert.Equal(0.4, second.GetProperty("errorRate").GetDouble(), precision: 9);

        // Four requests took at least 20 ms: the top 40 % of the latencies.
        var p50 = second.GetProperty("p50Ms").GetDouble();
        var p90 = second.GetProperty("p90Ms").GetDouble();
        var p95 = second.GetProperty("p95Ms").GetDouble();
        var p99 = second.GetProperty("p99Ms").GetDouble();
        Assert.True(p50 <= p90 && p90 <= p95 && p95 <= p99, $"{p50} {p90} {p95} {p99}");
        Assert.True(p90 >= 20 * 0.8, $"p90 {p90} ms");
    }

    [Fact]
    public async Task The_routers_own_502_503_and_504_count_as_errors()
    {
        await using var slow = await TestBackend.StartAsync("slow");
        await using var router = await RouterHarness.StartAsync(
            new RouterConfig(1, [
                new RouteConfig("dead/prod", "dead", "prod", "dead.test", "/", [new BackendGroup("1", 100, [RouterHarness.DeadAddress()])]),
                new RouteConfig("empty/prod", "empty", "prod", "empty.test", "/", [new BackendGroup("1", 100, [])]),
                new RouteConfig("slow/prod", "slow", "prod", "slow.test", "/", [new BackendGroup("1", 100, [slow.Address])]),
            ]),
            options => options with { BackendTimeout = TimeSpan.FromMilliseconds(200) });

        Assert.Equal(HttpStatusCode.BadGateway, await SendAsync(router, "dead.test", "/"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await SendAsync(router, "empty.test", "/"));
        Assert.Equal(HttpStatusCode.GatewayTimeout, await SendAsync(router, "slow.test", "/sleep?ms=5000"));

        var revisions = (await StatsAsync(router, "")).GetProperty("revisions").EnumerateArray()
            .ToDictionary(r => $"{r.GetProperty("app").GetString()}/{r.GetProperty("revision").GetString()}");
        Assert.Equal(1, revisions["dead/1"].GetProperty("errors").GetInt64());
        Assert.Equal(1, revisions["empty/none"].GetProperty("errors").GetInt64());
        Assert.Equal(1, revisions["slow/1"].GetProperty("errors").GetInt64());
        Assert.True(revisions["slow/1"].GetProperty("p50Ms").GetDouble() >= 200 * 0.8);
        Assert.All(new[] { "dead/1", "empty/none", "slow/1" }, key => Assert.Equal(1.0, revisions[key].GetProperty("errorRate").GetDouble()));

        // The revision that has no endpoints was routed to by nobody: present, with nothing to measure.
        var idle = revisions["empty/1"];
        Assert.Equal(0, idle.GetProperty("requests").GetInt64());
        foreach (var field in new[] { "successRate", "errorRate", "p50Ms", "p90Ms", "p95Ms", "p99Ms" })
        {
            Assert.Equal(JsonValueKind.Null, idle.GetProperty(field).ValueKind);
        }
    }

    [Fact]
    public async Task The_window_and_filters_are_honoured_and_bad_queries_are_refused_with_a_reason()
    {
        await using var backend = await TestBackend.StartAsync("web");
        await using var router = await RouterHarness.StartAsync(new RouterConfig(1, [
            new RouteConfig("web/prod", "web", "prod", "web.test", "/", [new BackendGroup("1", 100, [backend.Address])]),
            new RouteConfig("api/prod", "api", "prod", "api.test", "/", [new BackendGroup("1", 100, [backend.Address])]),
        ]));

        Assert.Equal(StatsWindow.DefaultSeconds, (await StatsAsync(router, "")).GetProperty("windowSeconds").GetInt32());
        Assert.Equal(300, (await StatsAsync(router, "?window=5m")).GetProperty("windowSeconds").GetInt32());
        Assert.Equal(15, (await StatsAsync(router, "?window=15")).GetProperty("windowSeconds").GetInt32());
        var filtered = (await StatsAsync(router, "?app=api&env=prod")).GetProperty("revisions").EnumerateArray().ToList();
        Assert.Equal("api", Assert.Single(filtered).GetProperty("app").GetString());
        Assert.Empty((await StatsAsync(router, "?app=web&env=dev")).GetProperty("revisions").EnumerateArray());

        foreach (var (query, message) in new[]
        {
            ("?window=0s", "window: expected a number of seconds from 1 to 300 as N, Ns or Nm (60s, 5m), got '0s'"),
            ("?window=6m", "window: expected a number of seconds from 1 to 300 as N, Ns or Nm (60s, 5m), got '6m'"),
            ("?window=1h", "window: expected a number of seconds from 1 to 300 as N, Ns or Nm (60s, 5m), got '1h'"),
            ("?window=-5", "window: expected a number of seconds from 1 to 300 as N, Ns or Nm (60s, 5m), got '-5'"),
            ("?windows=60s", "unknown query parameter 'windows': expected window, app, env or buckets"),
            ("?buckets=yes", "buckets: expected true or false, got 'yes'"),
            ("?buckets=", "buckets: expected true or false, got ''"),
        })
        {
            using var response = await router.Admin.GetAsync("/stats" + query);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(message, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
        }
    }

    [Fact]
    public async Task With_buckets_each_revision_reports_its_latency_distribution_as_its_non_empty_buckets()
    {
        // A fake clock makes every duration exact: requests take no time at all unless the test moves the clock while
        // they are held at the backend. (No access log: its writer batches on the clock.)
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var stable = await TestBackend.StartAsync("stable");
        await using var canary = await TestBackend.StartAsync("canary");
        await using var router = await RouterHarness.StartAsync(
            new RouterConfig(1, [
                new RouteConfig("web/prod", "web", "prod", null, "/", [new BackendGroup("1", 100, [stable.Address]), new BackendGroup("2", 0, [canary.Address])],
                    new HeaderRouteConfig("2", [new HeaderMatchConfig("X-Canary", "yes")])),
                new RouteConfig("api/prod", "api", "prod", "api.test", "/", [new BackendGroup("1", 100, [stable.Address])]),
            ]),
            options => options with { AccessLogEnabled = false },
            time);

        // Revision 1: five instant requests, and one that takes 40 s (beyond the top bucket's 33.6 s lower bound).
        for (var i = 0; i < 5; i++)
        {
            using var response = await router.Client.GetAsync("/");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var slow = router.Client.GetAsync("/slow");
        await Eventually.TrueAsync(() => stable.SlowWaiting == 1, "the slow request held at the backend");
        time.Advance(TimeSpan.FromSeconds(40));
        stable.ReleaseSlow();
        using (var response = await slow)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Revision 2: three requests of 10 ms each.
        var held = Enumerable.Range(0, 3).Select(_ =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/slow");
            request.Headers.Add("X-Canary", "yes");
            return router.Client.SendAsync(request);
        }).ToList();
        await Eventually.TrueAsync(() => canary.SlowWaiting == 3, "the canary's three requests held at the backend");
        time.Advance(TimeSpan.FromMilliseconds(10));
        canary.ReleaseSlow();
        foreach (var response in await Task.WhenAll(held))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            response.Dispose();
        }

        var revisions = (await StatsAsync(router, "?window=60s&app=web&env=prod&buckets=true")).GetProperty("revisions").EnumerateArray().ToList();
        Assert.Equal(["1", "2"], revisions.Select(r => r.GetProperty("revision").GetString()));
        Assert.Equal("[[0,64,5],[33554432,null,1]]", revisions[0].GetProperty("latencyBuckets").GetRawText());
        Assert.Equal(6, revisions[0].GetProperty("requests").GetInt64());
        Assert.Equal("[[8192,10240,3]]", revisions[1].GetProperty("latencyBuckets").GetRawText()); // 10 000 µs
        Assert.Equal(3, revisions[1].GetProperty("requests").GetInt64());

        // Without buckets (or with buckets=false) the answer is what it always was.
        foreach (var query in new[] { "?window=60s&app=web&env=prod", "?window=60s&app=web&env=prod&buckets=false" })
        {
            Assert.All((await StatsAsync(router, query)).GetProperty("revisions").EnumerateArray(), r => Assert.False(r.TryGetProperty("latencyBuckets", out _)));
        }

        // A revision without requests in the window has no buckets.
        var api = Assert.Single((await StatsAsync(router, "?app=api&buckets=true")).GetProperty("revisions").EnumerateArray());
        Assert.Equal("[]", api.GetProperty("latencyBuckets").GetRawText());
    }

    private static async Task<HttpStatusCode> SendAsync(RouterHarness router, string host, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = host;
        using var response = await router.Client.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<JsonElement> StatsAsync(RouterHarness router, string query)
    {
        using var response = await router.Admin.GetAsync("/stats" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}
