using Microsoft.Extensions.Logging.Abstractions;
using Slipway.Core.Analysis;
using Slipway.Server.Analysis.Providers;
using static Slipway.Server.Tests.Analysis.Providers.ProviderRequests;

namespace Slipway.Server.Tests.Analysis.Providers;

/// <summary>The dispatcher: each metric to its provider; an unknown provider and a provider's defect are errors, not crashes.</summary>
public sealed class MetricProvidersTests
{
    private static readonly RouterMetricProvider Router = new(RouterMeasure.ErrorRate, RouterMetricProvider.DefaultWindow, Baseline: false);
    private static readonly JudgeMetricProvider Judge = new(true, true, 0, 1.1, 0.99, null);
    private static readonly PrometheusMetricProvider Prometheus = new("http://127.0.0.1:1", "up", TimeSpan.FromSeconds(1));
    private static readonly HttpMetricProvider Http = new("http://127.0.0.1:1/", "GET", [], null, null, TimeSpan.FromSeconds(1));
    private static readonly JobMetricProvider Job = new("true", [], [], TimeSpan.FromSeconds(1));

    [Fact]
    public async Task Each_metric_is_measured_by_the_provider_its_spec_names()
    {
        var providers = new MetricProviders(Named("router"), Named("judge"), Named("prometheus"), Named("http"), Named("job"), NullLogger<MetricProviders>.Instance);

        foreach (var (spec, name) in new (MetricProvider, string)[] { (Router, "router"), (Judge, "judge"), (Prometheus, "prometheus"), (Http, "http"), (Job, "job") })
        {
            Assert.Equal(AnalysisValue.Of(name), (await providers.MeasureAsync(For(spec), CancellationToken.None)).Value);
            Assert.Equal(name, MetricProviders.NameOf(spec));
        }
    }

    [Fact]
    public async Task A_provider_no_one_measures_is_an_error()
    {
        var providers = new MetricProviders(Named("router"), Named("judge"), Named("prometheus"), Named("http"), Named("job"), NullLogger<MetricProviders>.Instance);

        var error = Error(await providers.MeasureAsync(For(new FutureProvider()), CancellationToken.None));

        Assert.Equal("metric m: no provider measures a FutureProvider", error);
    }

    [Fact]
    public async Task A_provider_that_throws_gives_an_error_result_and_cancellation_still_cancels()
    {
        var providers = new MetricProviders(new Throwing(), Named("judge"), Named("prometheus"), Named("http"), Named("job"), NullLogger<MetricProviders>.Instance);

        Assert.Equal("the router provider failed: a defect", Error(await providers.MeasureAsync(For(Router), CancellationToken.None)));

        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => providers.MeasureAsync(For(Judge), cancelled.Token));
    }

    private static IMetricProvider Named(string name) => new Answering(name);

    private sealed record FutureProvider : MetricProvider;

    private sealed class Answering(string name) : IMetricProvider
    {
        public Task<ProviderResult> MeasureAsync(MeasureRequest request, CancellationToken ct)
        {
            ct.ThrowIfCancellationRequested();
            return Task.FromResult(new ProviderResult(AnalysisValue.Of(name)));
        }
    }

    private sealed class Throwing : IMetricProvider
    {
        public Task<ProviderResult> MeasureAsync(MeasureRequest request, CancellationToken ct) => throw new InvalidOperationException("a defect");
    }
}
