using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Slipway.Core.Analysis;
using Slipway.Server.Analysis.Providers;
using Slipway.Server.Routing;

namespace Slipway.Server.Tests.Analysis.Providers;

/// <summary>
/// The <c>router</c> provider against a real router with real requests to two revisions: a stable one that is fast and
/// never fails, and a canary that fails one request in four and takes 100 ms. What a condition sees as <c>result</c>,
/// <c>canary</c> and <c>stable</c>, and the sample size that decides whether there was enough traffic.
/// </summary>
public sealed class RouterProviderTests : IAsyncLifetime
{
    private static readonly TimeSpan CanaryLatency = TimeSpan.FromMilliseconds(100);

    private RevisionBackend _stable = null!;
    private RevisionBackend _canary = null!;
    private AnalysisRouter _router = null!;
    private RouterProvider _provider = null!;

    public async Task InitializeAsync()
    {
        _stable = await RevisionBackend.StartAsync();
        _canary = await RevisionBackend.StartAsync(errorEvery: 4, latency: CanaryLatency);
        _router = await AnalysisRouter.StartAsync(_stable, _canary);
        _provider = new RouterProvider(_router.AdminClient());
    }

    public async Task DisposeAsync()
    {
        await _router.DisposeAsync();
        await _canary.DisposeAsync();
        await _stable.DisposeAsync();
    }

    [Fact]
    public async Task The_canarys_error_rate_request_count_and_latency_are_what_its_clients_got()
    {
        await ServeAsync();

        Assert.Equal(new ProviderResult(AnalysisValue.Of(0.25), SampleSize: 20), await MeasureAsync(RouterMeasure.ErrorRate));
        Assert.Equal(new ProviderResult(AnalysisValue.Of(0.75), SampleSize: 20), await MeasureAsync(RouterMeasure.SuccessRate));
        Assert.Equal(new ProviderResult(AnalysisValue.Of(20), SampleSize: 20), await MeasureAsync(RouterMeasure.RequestCount));
        var rate = Number(await MeasureAsync(RouterMeasure.RequestRate));
        Assert.True(rate > 0 && double.IsFinite(rate), $"request rate {rate}");

        // Every canary request took at least 100 ms: the bucket that holds 100 ms starts at 98.304 ms.
        var quantiles = new[] { RouterMeasure.P50, RouterMeasure.P90, RouterMeasure.P95, RouterMeasure.P99 };
        var latencies = new List<double>();
        foreach (var quantile in quantiles)
        {
            var result = await MeasureAsync(quantile);
            Assert.Equal(20, result.SampleSize);
            latencies.Add(Number(result));
        }

        Assert.True(latencies[0] >= 98.304, $"p50 {latencies[0]} ms");
        Assert.Equal(latencies.Order(), latencies); // p50 ≤ p90 ≤ p95 ≤ p99
    }

    [Fact]
    public async Task A_baseline_compares_the_canary_with_the_stable_revision_over_the_same_window()
    {
        await ServeAsync();

        var errors = await MeasureAsync(RouterMeasure.ErrorRate, baseline: true);
        Assert.Equal(AnalysisValue.Of(0.25), errors.Value);
        Assert.Equal(AnalysisValue.Of(0.25), errors.Canary);
        Assert.Equal(AnalysisValue.Of(0.0), errors.Stable);
        Assert.Equal(20, errors.SampleSize); // the smaller side: 20 canary requests against 40 stable ones
        Assert.Null(errors.Error);

        var count = await MeasureAsync(RouterMeasure.RequestCount, baseline: true);
        Assert.Equal((AnalysisValue.Of(20), AnalysisValue.Of(40)), (count.Canary, count.Stable));

        // The median, not the tail: a loaded machine may slow a few of the stable revision's requests too.
        var p50 = await MeasureAsync(RouterMeasure.P50, baseline: true);
        Assert.True(Number(p50.Canary) > Number(p50.Stable), $"canary p50 {p50.Canary} ms, stable p50 {p50.Stable} ms");
        Assert.Equal(p50.Value, p50.Canary);
    }

    [Fact]
    public async Task A_revision_without_requests_has_a_count_of_zero_and_rates_and_latencies_that_are_not_a_number()
    {
        await ServeAsync();

        // Revision 3 is in the router's table but gets no traffic; revision 9 the router never heard of.
        foreach (var revision in new[] { 3, 9 })
        {
            var target = Target(revision, stable: 1);
            Assert.Equal(new ProviderResult(AnalysisValue.Of(0), SampleSize: 0), await MeasureAsync(RouterMeasure.RequestCount, target: target));
            Assert.Equal(new ProviderResult(AnalysisValue.Of(0), SampleSize: 0), await MeasureAsync(RouterMeasure.RequestRate, target: target));
            foreach (var measure in new[] { RouterMeasure.ErrorRate, RouterMeasure.SuccessRate, RouterMeasure.P50, RouterMeasure.P99 })
            {
                var result = await MeasureAsync(measure, target: target);
                Assert.True(double.IsNaN(Number(result)), $"revision {revision} {measure}: {result.Value}");
                Assert.Equal(0, result.SampleSize);
            }

            var baseline = await MeasureAsync(RouterMeasure.ErrorRate, baseline: true, target: target);
            Assert.True(double.IsNaN(Number(baseline.Canary)));
            Assert.Equal(AnalysisValue.Of(0.0), baseline.Stable);
            Assert.Equal(0, baseline.SampleSize);
        }
    }

    [Fact]
    public async Task A_baseline_without_a_stable_revision_is_an_error()
    {
        var result = await MeasureAsync(RouterMeasure.ErrorRate, baseline: true, target: Target(2, stable: null));

        Assert.Equal(ProviderResult.Failed("no stable revision to compare with"), result);
        // Without a baseline, a first deploy is measured as any canary.
        Assert.Equal(new ProviderResult(AnalysisValue.Of(0), SampleSize: 0), await MeasureAsync(RouterMeasure.RequestCount, target: Target(2, stable: null)));
    }

    [Fact]
    public async Task A_router_that_is_down_or_answers_an_error_is_an_error_that_names_its_address()
    {
        var dead = DeadAddress();
        var down = await new RouterProvider(AdminClient(new Uri($"http://{dead}"))).MeasureAsync(Request(RouterMeasure.ErrorRate), CancellationToken.None);
        Assert.Null(down.Value);
        Assert.StartsWith($"cannot reach the router's admin endpoint {dead}: ", down.Error);

        await using var broken = await BrokenRouterAsync();
        var authority = new Uri(broken.Urls.First()).Authority;
        var failed = await new RouterProvider(AdminClient(new Uri(broken.Urls.First()))).MeasureAsync(Request(RouterMeasure.ErrorRate), CancellationToken.None);
        Assert.Equal(ProviderResult.Failed($"the router's admin endpoint {authority} answered 500 to /stats: the stats are on fire"), failed);
    }

    [Fact]
    public async Task Only_the_requests_of_the_window_count()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
        await using var router = await AnalysisRouter.StartAsync(_stable, _canary, time);
        var provider = new RouterProvider(router.AdminClient());
        await router.SendAsync(2, 5);
        time.Advance(TimeSpan.FromSeconds(20.5));
        await router.SendAsync(2, 3);

        Assert.Equal(AnalysisValue.Of(3), (await provider.MeasureAsync(Request(RouterMeasure.RequestCount, window: TimeSpan.FromSeconds(10)), CancellationToken.None)).Value);
        Assert.Equal(AnalysisValue.Of(8), (await provider.MeasureAsync(Request(RouterMeasure.RequestCount, window: TimeSpan.FromSeconds(30)), CancellationToken.None)).Value);
        // A window is read in whole seconds, rounded up: 9.2 s is 10 one-second slots, 9 and a half of them past.
        var rate = Number(await provider.MeasureAsync(Request(RouterMeasure.RequestRate, window: TimeSpan.FromSeconds(9.2)), CancellationToken.None));
        Assert.Equal(Math.Round(3 / 9.5, 3), rate);

        var tooLong = await provider.MeasureAsync(Request(RouterMeasure.RequestCount, window: TimeSpan.FromMinutes(6)), CancellationToken.None);
        Assert.Equal(ProviderResult.Failed("window 360 s is outside what the router keeps: 1 s to 300 s"), tooLong);
    }

    /// <summary>40 requests to the stable revision and 20 to the canary (5 of them answered 500).</summary>
    private async Task ServeAsync()
    {
        Assert.All(await _router.SendAsync(1, 40, concurrency: 10), code => Assert.Equal(HttpStatusCode.OK, code));
        var canary = await _router.SendAsync(2, 20, concurrency: 10);
        Assert.Equal(5, canary.Count(code => code == HttpStatusCode.InternalServerError));
    }

    private Task<ProviderResult> MeasureAsync(RouterMeasure measure, bool baseline = false, AnalysisTarget? target = null) =>
        _provider.MeasureAsync(Request(measure, baseline: baseline, target: target), CancellationToken.None);

    private static MeasureRequest Request(RouterMeasure measure, bool baseline = false, AnalysisTarget? target = null, TimeSpan? window = null) =>
        new(new MetricSpec("m", new RouterMetricProvider(measure, window ?? TimeSpan.FromMinutes(5), baseline)), target ?? Target(2, stable: 1), DateTimeOffset.UtcNow, 1);

    private static AnalysisTarget Target(int revision, int? stable) =>
        new(AnalysisRouter.App, AnalysisRouter.Environment, revision, stable, null, null);

    private static double Number(ProviderResult result) => Number(result.Value);

    private static double Number(AnalysisValue? value) => Assert.IsType<NumberValue>(value).Value;

    private static RouterAdminClient AdminClient(Uri address) => new(new HttpClient { BaseAddress = address }, TimeProvider.System);

    /// <summary>Something on the router's admin address that answers <c>/stats</c> with a 500.</summary>
    private static async Task<WebApplication> BrokenRouterAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapGet("/stats", () => Results.Json(new { error = "the stats are on fire" }, statusCode: 500));
        await app.StartAsync();
        return app;
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
