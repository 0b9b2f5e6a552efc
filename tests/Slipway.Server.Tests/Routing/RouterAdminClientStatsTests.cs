using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using Slipway.Router;
using Slipway.Server.Api;
using Slipway.Server.Routing;
using Slipway.Server.Tests.Support;

namespace Slipway.Server.Tests.Routing;

/// <summary>
/// The server reading <c>/stats</c> from a real router, and answering without it — quickly, with the reason — when
/// the router is down, stuck or too old to have it.
/// </summary>
public sealed class RouterAdminClientStatsTests
{
    [Fact]
    public async Task Reads_what_each_revision_of_the_app_served_from_a_real_router()
    {
        using var temp = new TemporaryDirectory();
        var config = temp.Combine("routes.json");
        RouterConfigFile.Write(config, new RouterConfig(1, [
            new RouteConfig("web/dev", "web", "dev", "web.test", "/", [new BackendGroup("1", 100, [DeadAddress()]), new BackendGroup("2", 0, [])]),
            new RouteConfig("api/dev", "api", "dev", "api.test", "/", [new BackendGroup("1", 100, [DeadAddress()])]),
        ]));
        await using var router = new RouterServer(new RouterOptions(config, "127.0.0.1:0", "127.0.0.1:0", AccessLogPath: temp.Combine("access.log")));
        var addresses = await router.StartAsync(CancellationToken.None);
        using (var client = new HttpClient { BaseAddress = addresses.Listen })
        {
            for (var i = 0; i < 3; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/") { Headers = { Host = "web.test" } };
                using var response = await client.SendAsync(request);
                Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
            }
        }

        var admin = new RouterAdminClient(new HttpClient { BaseAddress = addresses.Admin }, TimeProvider.System);
        var (stats, error) = await admin.GetStatsAsync("web", "dev", 30, CancellationToken.None);

        Assert.Null(error);
        Assert.NotNull(stats);
        Assert.Equal(30, stats.WindowSeconds);
        Assert.Equal(["1", "2"], stats.Revisions.Select(r => r.Revision)); // only web's
        var health = RevisionHealth.Of(stats, 1);
        Assert.Equal((3L, 3L, 0.0, 1.0), (health.Requests, health.Errors, health.SuccessRate, health.ErrorRate));
        Assert.NotNull(health.P50Ms);
        Assert.NotNull(health.P99Ms);
        Assert.InRange(health.WindowSeconds, 1, 30);
        Assert.Equal(0, RevisionHealth.Of(stats, 2).Requests);
        Assert.Null(RevisionHealth.Of(stats, 2).ErrorRate);
    }

    [Fact]
    public async Task With_buckets_each_revision_has_its_sample_with_its_latency_bins()
    {
        using var temp = new TemporaryDirectory();
        var config = temp.Combine("routes.json");
        RouterConfigFile.Write(config, new RouterConfig(1, [
            new RouteConfig("web/dev", "web", "dev", "web.test", "/", [new BackendGroup("1", 100, [DeadAddress()]), new BackendGroup("2", 0, [])]),
        ]));
        await using var router = new RouterServer(new RouterOptions(config, "127.0.0.1:0", "127.0.0.1:0", AccessLogPath: temp.Combine("access.log")));
        var addresses = await router.StartAsync(CancellationToken.None);
        using (var client = new HttpClient { BaseAddress = addresses.Listen })
        {
            for (var i = 0; i < 3; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/") { Headers = { Host = "web.test" } };
                using var response = await client.SendAsync(request);
            }
        }

        var admin = new RouterAdminClient(new HttpClient { BaseAddress = addresses.Admin }, TimeProvider.System);
        var (stats, error) = await admin.GetStatsAsync("web", "dev", 30, withBuckets: true, CancellationToken.None);

        Assert.Null(error);
        Assert.NotNull(stats);
        var sample = stats.SampleOf(1);
        Assert.Equal((3L, 3L), (sample.Requests, sample.Errors));
        Assert.Equal(3, sample.Latency.Sum(b => b.Count));
        Assert.All(sample.Latency, b => Assert.True(b.LowerMicroseconds < b.UpperMicroseconds && b.Count > 0, b.ToString()));
        foreach (var none in new[] { stats.SampleOf(2), stats.SampleOf(7) }) // no requests; never seen
        {
            Assert.Equal((0L, 0L), (none.Requests, none.Errors));
            Assert.Empty(none.Latency);
        }

        // Without buckets, the same numbers and no bins.
        var (plain, _) = await admin.GetStatsAsync("web", "dev", 30, CancellationToken.None);
        Assert.Equal((3L, 3L), (plain!.SampleOf(1).Requests, plain.SampleOf(1).Errors));
        Assert.Empty(plain.SampleOf(1).Latency);
        Assert.Null(plain.Of(1)!.LatencyBuckets);
    }

    [Fact]
    public async Task A_router_that_is_not_there_is_reported_at_once()
    {
        var address = DeadAddress();
        var admin = new RouterAdminClient(new HttpClient { BaseAddress = new Uri($"http://{address}") }, TimeProvider.System);

        var (stats, error) = await admin.GetStatsAsync("web", "dev", 60, CancellationToken.None);

        Assert.Null(stats);
        // Refused at once; on a saturated machine the client's first request can outlast the 1 s limit instead (it
        // failed so in CI runs beside other tests): either way, the error names the endpoint that is not there.
        Assert.Matches($"^(cannot reach the router's admin endpoint {Regex.Escape(address)}: |the router's admin endpoint {Regex.Escape(address)} did not answer within 1 s)", error);
    }

    [Fact]
    public async Task A_router_that_accepts_and_never_answers_is_given_up_on_after_one_second()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var time = new FakeTimeProvider();
        var admin = new RouterAdminClient(new HttpClient { BaseAddress = new Uri($"http://{listener.LocalEndpoint}") }, time);

        var reading = admin.GetStatsAsync("web", "dev", 60, CancellationToken.None);
        using var accepted = await listener.AcceptTcpClientAsync(); // connected, and silent
        Assert.False(reading.IsCompleted);
        time.Advance(RouterAdminClient.StatsTimeout);
        var (stats, error) = await reading.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Null(stats);
        Assert.Equal($"the router's admin endpoint {listener.LocalEndpoint} did not answer within 1 s", error);
    }

    [Fact]
    public async Task A_router_older_than_stats_is_named_as_such()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var admin = new RouterAdminClient(new HttpClient { BaseAddress = new Uri($"http://{listener.LocalEndpoint}") }, TimeProvider.System);

        var reading = admin.GetStatsAsync("web", "dev", 60, CancellationToken.None);
        using (var old = await listener.AcceptTcpClientAsync())
        {
            var stream = old.GetStream();
            var buffer = new byte[4096];
            var request = "";
            while (!request.Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                request += System.Text.Encoding.ASCII.GetString(buffer, 0, await stream.ReadAsync(buffer));
            }

            Assert.StartsWith("GET /stats?window=60s&app=web&env=dev ", request);
            await stream.WriteAsync("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray());
        }

        var (stats, error) = await reading;
        Assert.Null(stats);
        Assert.Equal($"the router's admin endpoint {listener.LocalEndpoint} has no /stats: the running router predates this version of Slipway", error);
    }

    private static string DeadAddress()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"127.0.0.1:{port}";
    }
}
