using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Slipway.Router.Tests.Infrastructure;

namespace Slipway.Router.Tests;

/// <summary>
/// The router keeps metrics only for what it routes to: a revision that left the table (or every revision of an app
/// that was deleted) keeps its numbers for a grace period — a rollout that has just finished can still be read — and
/// is then dropped from <c>/stats</c> and <c>/metrics</c>, and its window's memory with it. A real router, driven by a
/// fake clock for the grace period.
/// </summary>
public sealed class RetiredMetricsTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(5);

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    [Fact]
    public async Task A_revision_that_left_the_table_and_a_deleted_app_are_dropped_once_the_grace_period_is_over()
    {
        await using var backend = await TestBackend.StartAsync("web");
        await using var router = await StartAsync(new RouterConfig(1, [
            Route("web", new BackendGroup("1", 50, [backend.Address]), new BackendGroup("2", 50, [backend.Address])),
            Route("api", new BackendGroup("1", 100, [backend.Address])),
        ]));
        await SendAsync(router, "web", 10);
        await SendAsync(router, "api", 3);
        Assert.Equal(["api/1", "web/1", "web/2"], await StatsAsync(router));
        Assert.Equal(3, Gauge(await router.MetricsAsync(), "slipway_router_revision_windows"));

        // The rollout of web to revision 2 has finished, and api was deleted.
        await ApplyAsync(router, new RouterConfig(2, [Route("web", new BackendGroup("2", 100, [backend.Address]))]));

        // Within the grace period, the numbers of the rollout are still there.
        _time.Advance(Grace - TimeSpan.FromSeconds(10));
        await ApplyAsync(router, new RouterConfig(3, [Route("web", new BackendGroup("2", 100, [backend.Address]))]));
        Assert.Equal(["api/1", "web/1", "web/2"], await StatsAsync(router));
        Assert.Contains("app=\"web\",env=\"prod\",revision=\"1\"", await router.MetricsAsync());

        // Then they go, and the memory of their windows with them.
        await AdvanceUntilAsync(
            TimeSpan.FromSeconds(11),
            async () => (await StatsAsync(router)).SequenceEqual(["web/2"]),
            "web's revision 1 and api dropped from /stats");
        var metrics = await router.MetricsAsync();
        Assert.DoesNotContain("revision=\"1\"", metrics);
        Assert.DoesNotContain("app=\"api\"", metrics);
        Assert.Contains("slipway_router_retries_total{app=\"web\",env=\"prod\"} 0", metrics);
        Assert.Equal(1, Gauge(metrics, "slipway_router_revisions"));
        Assert.Equal(1, Gauge(metrics, "slipway_router_revision_windows"));
    }

    [Fact]
    public async Task A_revision_that_comes_back_within_the_grace_period_keeps_its_counters_and_is_not_dropped()
    {
        await using var backend = await TestBackend.StartAsync("web");
        await using var router = await StartAsync(new RouterConfig(1, [Route("web", new BackendGroup("1", 100, [backend.Address]))]));
        await SendAsync(router, "web", 4);

        await ApplyAsync(router, new RouterConfig(2, [Route("web", new BackendGroup("2", 100, [backend.Address]))]));
        _time.Advance(Grace / 2);
        // A rollback: revision 1 takes the traffic again.
        await ApplyAsync(router, new RouterConfig(3, [Route("web", new BackendGroup("1", 100, [backend.Address]))]));
        await SendAsync(router, "web", 1);

        // Revision 2 left the table for good; revision 1 is served and keeps counting from where it was.
        await AdvanceUntilAsync(Grace, async () => (await StatsAsync(router)).SequenceEqual(["web/1"]), "revision 2 dropped");
        Assert.Contains("slipway_router_requests_total{app=\"web\",env=\"prod\",revision=\"1\",code=\"200\"} 5", await router.MetricsAsync());
    }

    private Task<RouterHarness> StartAsync(RouterConfig table) =>
        // No access log: its writer batches lines on the clock, which only moves here when the test moves it.
        RouterHarness.StartAsync(table, options => options with { AccessLogEnabled = false }, _time);

    private static RouteConfig Route(string app, params BackendGroup[] backends) =>
        new($"{app}/prod", app, "prod", $"{app}.test", "/", backends);

    private static async Task SendAsync(RouterHarness router, string app, int count)
    {
        for (var i = 0; i < count; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/") { Headers = { Host = $"{app}.test" } };
            using var response = await router.Client.SendAsync(request);
            response.EnsureSuccessStatusCode();
        }
    }

    /// <summary>Writes the table and moves the fake clock on, a poll interval at a time, until the router serves it.</summary>
    private async Task ApplyAsync(RouterHarness router, RouterConfig table)
    {
        RouterConfigFile.Write(router.ConfigPath, table);
        await AdvanceUntilAsync(TimeSpan.Zero, async () => (await router.StateAsync()).GetProperty("configVersion").GetInt64() == table.Version,
            $"table version {table.Version} served");
    }

    /// <summary>Moves the clock by <paramref name="first"/>, then by a poll interval at a time, until <paramref name="done"/>.</summary>
    private async Task AdvanceUntilAsync(TimeSpan first, Func<Task<bool>> done, string what)
    {
        _time.Advance(first);
        await Eventually.TrueAsync(async () =>
        {
            if (await done())
            {
                return true;
            }

            _time.Advance(TimeSpan.FromMilliseconds(100));
            return false;
        }, what);
    }

    /// <summary>The revisions <c>/stats</c> reports, as <c>app/revision</c>.</summary>
    private static async Task<List<string>> StatsAsync(RouterHarness router)
    {
        using var json = JsonDocument.Parse(await router.Admin.GetStringAsync("/stats"));
        return json.RootElement.GetProperty("revisions").EnumerateArray()
            .Select(r => $"{r.GetProperty("app").GetString()}/{r.GetProperty("revision").GetString()}")
            .ToList();
    }

    private static double Gauge(string metrics, string name) =>
        double.Parse(metrics.Split('\n').Single(l => l.StartsWith(name + " ", StringComparison.Ordinal))[(name.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
}
