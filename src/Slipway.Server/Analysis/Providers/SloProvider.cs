using Slipway.Core.Analysis;
using Slipway.Core.Slo;
using Slipway.Server.Routing;
using Slipway.Server.Slo;
using Slipway.Store;

namespace Slipway.Server.Analysis.Providers;

/// <summary>
/// The <c>slo</c> provider: the burn rate of one of the app's SLOs over the metric's window, for the revision under
/// analysis — its own requests from the router's per-second counters (<c>GET /stats</c>, with latency buckets for a
/// latency SLO), counted by the SLO's indicator, divided by the budget (1 − objective). The canary's own burn rate says
/// what the app's would become if it took all the traffic, which the app×env's (mostly the stable revision's) would
/// hide at 10 % weight. A Prometheus SLO is read from Prometheus, for the whole app×env. The sample size is the
/// revision's requests: too few make the measurement inconclusive, as for the <c>router</c> provider.
/// </summary>
internal sealed class SloProvider(IStore store, RouterAdminClient router, SloMeasurer measurer) : IMetricProvider
{
    public async Task<ProviderResult> MeasureAsync(MeasureRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var settings = request.Metric.Provider as SloMetricProvider
            ?? throw new ArgumentException($"metric '{request.Metric.Name}' is not an slo metric", nameof(request));
        var target = request.Target;
        if (await store.GetAppAsync(target.App, target.Environment, ct) is not { } app)
        {
            return ProviderResult.Failed($"app {target.App} has no environment {target.Environment}");
        }

        if (app.Spec.Slos.FirstOrDefault(s => s.Name == settings.Name) is not { } slo)
        {
            var declared = app.Spec.Slos.Count == 0 ? "it declares none" : "it declares " + string.Join(", ", app.Spec.Slos.Select(s => s.Name));
            return ProviderResult.Failed($"{target.App} has no SLO named '{settings.Name}' in {target.Environment}: {declared}");
        }

        if (slo.Indicator is PrometheusIndicator prometheus)
        {
            var (counts, error) = await measurer.QueryAsync(app, slo, prometheus, settings.Window, ct);
            return counts is { } read ? new ProviderResult(AnalysisValue.Of(ErrorBudgetMath.BurnRate(read, slo.Objective))) : ProviderResult.Failed($"SLO {slo.Name}: {error}");
        }

        if (RouterProvider.WindowSeconds(settings.Window) is not { } seconds)
        {
            return ProviderResult.Failed(RouterProvider.WindowError(settings.Window));
        }

        var (stats, failure) = await router.GetStatsAsync(target.App, target.Environment, seconds, withBuckets: slo.Indicator is LatencyIndicator, ct);
        if (stats is null)
        {
            return ProviderResult.Failed(failure ?? "the router did not answer /stats");
        }

        var sample = stats.SampleOf(target.Revision);
        var good = SloCounting.Count(slo.Indicator, sample.Requests, sample.Errors, sample.Latency);
        return new ProviderResult(AnalysisValue.Of(ErrorBudgetMath.BurnRate(good, slo.Objective)), SampleSize: sample.Requests);
    }
}
