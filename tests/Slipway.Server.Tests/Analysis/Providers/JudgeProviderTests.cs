using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using Slipway.Core.Analysis;
using Slipway.Core.Analysis.Judge;
using Slipway.Server.Analysis.Providers;
using Slipway.Server.Routing;

namespace Slipway.Server.Tests.Analysis.Providers;

/// <summary>
/// The judge's provider, for its plumbing only (the statistics are the judge's tests): it reads both revisions from a
/// real router, latency buckets included, over the metric's window or since the run started, and passes them to the
/// judge with the look, the planned looks and the minimum sample size; its result carries the verdict. A fake clock
/// drives the router, so which requests fall in a window is exact, and every request takes no time at all.
/// </summary>
public sealed class JudgeProviderTests : IAsyncLifetime
{
    private static readonly JudgeMetricProvider Settings = new(ErrorRate: true, Latency: true, 0.01, 1.2, 0.99, Window: null);
    private static readonly JudgeVerdict Verdict = new(JudgeOutcome.Fail, 0.997, [], "canary worse");

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
    private readonly List<(JudgeMetricProvider Settings, RevisionSample Canary, RevisionSample Stable, int Look, int? PlannedLooks, int MinSampleSize)> _calls = [];
    private RevisionBackend _stable = null!;
    private RevisionBackend _canary = null!;
    private AnalysisRouter _router = null!;
    private JudgeProvider _provider = null!;

    public async Task InitializeAsync()
    {
        _stable = await RevisionBackend.StartAsync();
        _canary = await RevisionBackend.StartAsync(errorEvery: 2);
        _router = await AnalysisRouter.StartAsync(_stable, _canary, _time);
        _provider = new JudgeProvider(_router.AdminClient(), _time, (settings, canary, stable, look, plannedLooks, minSampleSize) =>
        {
            _calls.Add((settings, canary, stable, look, plannedLooks, minSampleSize));
            return Verdict;
        });

        // Ten requests to each revision, then 20.5 s later four to the canary (two of them errors) and six to stable.
        await _router.SendAsync(1, 10);
        await _router.SendAsync(2, 10);
        _time.Advance(TimeSpan.FromSeconds(20.5));
        await _router.SendAsync(1, 6);
        await _router.SendAsync(2, 4);
    }

    public async Task DisposeAsync()
    {
        await _router.DisposeAsync();
        await _canary.DisposeAsync();
        await _stable.DisposeAsync();
    }

    [Fact]
    public async Task Both_revisions_are_read_over_the_metrics_window_and_passed_to_the_judge_with_the_look()
    {
        var metric = new MetricSpec("judge", Settings with { Window = TimeSpan.FromSeconds(10) }) { Count = 12, MinSampleSize = 3 };

        var result = await _provider.MeasureAsync(new MeasureRequest(metric, Target(stable: 1), _time.GetUtcNow().AddMinutes(-1), Look: 5), CancellationToken.None);

        Assert.Equal(new ProviderResult(AnalysisValue.Of(0.997), SampleSize: 4, Verdict: Verdict), result);
        var call = Assert.Single(_calls);
        Assert.Same(metric.Provider, call.Settings);
        Assert.Equal((5, (int?)12, 3), (call.Look, call.PlannedLooks, call.MinSampleSize));
        // Only the last 10 s: the later requests, with their latency buckets (no time passes for a request here).
        Assert.Equal((4L, 2L), (call.Canary.Requests, call.Canary.Errors));
        Assert.Equal([new LatencyBin(0, 64, 4)], call.Canary.Latency);
        Assert.Equal((6L, 0L), (call.Stable.Requests, call.Stable.Errors));
        Assert.Equal([new LatencyBin(0, 64, 6)], call.Stable.Latency);
    }

    [Fact]
    public async Task Without_a_window_both_revisions_are_read_since_the_run_started_within_the_routers_five_minutes()
    {
        var metric = new MetricSpec("judge", Settings);

        // Started 7.2 s ago: 8 whole seconds, which hold the later requests only.
        await _provider.MeasureAsync(new MeasureRequest(metric, Target(stable: 1), _time.GetUtcNow().AddSeconds(-7.2), Look: 1), CancellationToken.None);
        // Started an hour ago: the router's 5 minutes, which hold them all.
        var result = await _provider.MeasureAsync(new MeasureRequest(metric, Target(stable: 1), _time.GetUtcNow().AddHours(-1), Look: 2), CancellationToken.None);

        Assert.Equal([(4L, 6L), (14L, 16L)], _calls.Select(c => (c.Canary.Requests, c.Stable.Requests)));
        Assert.Equal((7L, 0L), (_calls[1].Canary.Errors, _calls[1].Stable.Errors)); // every second canary request failed
        Assert.Equal([new LatencyBin(0, 64, 14)], _calls[1].Canary.Latency);
        Assert.Equal(((int?)null, MetricSpec.DefaultMinSampleSize), (_calls[1].PlannedLooks, _calls[1].MinSampleSize));
        Assert.Equal(14, result.SampleSize);
    }

    [Fact]
    public async Task A_revision_the_router_never_saw_is_judged_as_one_without_requests()
    {
        var result = await _provider.MeasureAsync(new MeasureRequest(new MetricSpec("judge", Settings), Target(stable: 9), _time.GetUtcNow(), 1), CancellationToken.None);

        Assert.Equal(0, result.SampleSize);
        var stable = Assert.Single(_calls).Stable;
        Assert.Equal((0L, 0L), (stable.Requests, stable.Errors));
        Assert.Empty(stable.Latency);
    }

    [Fact]
    public async Task No_stable_revision_or_no_router_is_an_error_and_the_judge_is_not_asked()
    {
        var metric = new MetricSpec("judge", Settings);
        var noStable = await _provider.MeasureAsync(new MeasureRequest(metric, Target(stable: null), _time.GetUtcNow(), 1), CancellationToken.None);
        Assert.Equal(ProviderResult.Failed("no stable revision to compare with"), noStable);

        var dead = DeadAddress();
        var down = await new JudgeProvider(new RouterAdminClient(new HttpClient { BaseAddress = new Uri($"http://{dead}") }, TimeProvider.System), _time, (_, _, _, _, _, _) => Verdict)
            .MeasureAsync(new MeasureRequest(metric, Target(stable: 1), _time.GetUtcNow(), 1), CancellationToken.None);
        Assert.StartsWith($"cannot reach the router's admin endpoint {dead}: ", down.Error);
        Assert.Null(down.Verdict);

        Assert.Empty(_calls);
    }

    private static AnalysisTarget Target(int? stable) => new(AnalysisRouter.App, AnalysisRouter.Environment, 2, stable, null, null);

    private static string DeadAddress()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"127.0.0.1:{port}";
    }
}
