using System.Globalization;
using Slipway.Core.Analysis;
using Slipway.Router.Metrics;
using Slipway.Server.Routing;

namespace Slipway.Server.Analysis.Providers;

/// <summary>
/// The <c>router</c> provider: what the analysed revision served over the metric's window, from the router's own
/// per-second counters (<c>GET /stats</c>) — no scrape, so a measurement is as fresh as the last second. With a
/// baseline, the stable revision over the same window, from the same answer: both sides are read at the same instant
/// and so saw the same kind of traffic.
/// <para>
/// A revision the router has not routed to in the window (it never saw it, or it is new to the table) had no requests:
/// its count is 0 and its rates and quantiles are NaN, which a condition cannot mistake for a good value, and a sample
/// size of 0 makes the measurement inconclusive anyway. The request rate is an exception: no requests is 0 per second.
/// </para>
/// </summary>
internal sealed class RouterProvider(RouterAdminClient router) : IMetricProvider
{
    public async Task<ProviderResult> MeasureAsync(MeasureRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var settings = request.Metric.Provider as RouterMetricProvider
            ?? throw new ArgumentException($"metric '{request.Metric.Name}' is not measured by the router", nameof(request));
        var target = request.Target;
        if (settings.Baseline && target.StableRevision is null)
        {
            return ProviderResult.Failed("no stable revision to compare with");
        }

        if (WindowSeconds(settings.Window) is not { } seconds)
        {
            return ProviderResult.Failed(WindowError(settings.Window));
        }

        var (stats, error) = await router.GetStatsAsync(target.App, target.Environment, seconds, ct);
        if (stats is null)
        {
            return ProviderResult.Failed(error ?? "the router did not answer /stats");
        }

        var canary = stats.Of(target.Revision);
        var value = AnalysisValue.Of(Measure(settings.Measure, canary));
        var requests = canary?.Requests ?? 0;
        if (target.StableRevision is not { } stableRevision || !settings.Baseline)
        {
            return new ProviderResult(value, SampleSize: requests);
        }

        var stable = stats.Of(stableRevision);
        return new ProviderResult(
            value,
            Canary: value,
            Stable: AnalysisValue.Of(Measure(settings.Measure, stable)),
            SampleSize: Math.Min(requests, stable?.Requests ?? 0));
    }

    /// <summary>
    /// The whole seconds the router reads for <paramref name="window"/>, rounded up (the router counts by the second);
    /// null outside 1 s to 5 minutes, the longest the router keeps. The spec's validation rejects such windows first.
    /// </summary>
    internal static int? WindowSeconds(TimeSpan window)
    {
        var seconds = Math.Ceiling(window.TotalSeconds);
        return seconds is >= 1 and <= StatsWindow.MaxSeconds ? (int)seconds : null;
    }

    internal static string WindowError(TimeSpan window) =>
        $"window {window.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s is outside what the router keeps: 1 s to {StatsWindow.MaxSeconds} s";

    /// <summary>The measure of one revision; <paramref name="stats"/> is null when it had no requests in the window.</summary>
    private static double Measure(RouterMeasure measure, RouterRevisionStats? stats) => measure switch
    {
        RouterMeasure.RequestCount => stats?.Requests ?? 0,
        RouterMeasure.RequestRate => stats?.RequestsPerSecond ?? 0,
        RouterMeasure.SuccessRate => stats?.SuccessRate ?? double.NaN,
        RouterMeasure.ErrorRate => stats?.ErrorRate ?? double.NaN,
        RouterMeasure.P50 => stats?.P50Ms ?? double.NaN,
        RouterMeasure.P90 => stats?.P90Ms ?? double.NaN,
        RouterMeasure.P95 => stats?.P95Ms ?? double.NaN,
        RouterMeasure.P99 => stats?.P99Ms ?? double.NaN,
        _ => throw new ArgumentOutOfRangeException(nameof(measure), measure, null),
    };
}
