using System.Text.RegularExpressions;
using Slipway.Core.Analysis;
using Slipway.Core.Slo;
using Slipway.Server.Analysis.Providers;
using Slipway.Store;

namespace Slipway.Server.Slo;

/// <summary>
/// Measures an app×env's SLOs at one instant, for <see cref="SloEvaluator"/>: the windows each SLO needs, summed from
/// the recorded history (availability, latency) or queried from Prometheus (two instant queries per window, good and
/// total, with <c>{{window}}</c> replaced: the analysis <c>prometheus</c> provider's client).
/// </summary>
internal sealed partial class SloMeasurer(IStore store, IMetricProvider prometheus, TimeProvider time)
{
    /// <summary>How long a Prometheus query of an SLO may take.</summary>
    public static readonly TimeSpan PrometheusTimeout = TimeSpan.FromSeconds(10);

    public async Task<IReadOnlyList<SloObservation>> ObserveAsync(AppRecord app, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(app);
        var now = time.GetUtcNow();
        var progress = (await store.ListSloProgressAsync(app.App, app.Environment, ct)).ToDictionary(p => p.Slo, StringComparer.Ordinal);
        var observations = new List<SloObservation>();
        foreach (var slo in app.Spec.Slos)
        {
            var windows = SloEvaluator.Windows(slo, app.Spec.ErrorBudgetPolicy);
            observations.Add(slo.Indicator is PrometheusIndicator indicator
                ? await QueryAsync(app, slo, indicator, windows, ct)
                : await SumAsync(app, slo, windows, progress.GetValueOrDefault(slo.Name), now, ct));
        }

        return observations;
    }

    /// <summary>
    /// Good and total requests of a Prometheus SLO over <paramref name="window"/>, ending now: two instant queries.
    /// Null and why when Prometheus could not answer with a number.
    /// </summary>
    public async Task<(SloCounts? Counts, string? Error)> QueryAsync(AppRecord app, SloSpec slo, PrometheusIndicator indicator, TimeSpan window, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(slo);
        ArgumentNullException.ThrowIfNull(indicator);
        var (good, goodError) = await NumberAsync(app, slo, indicator.Address, indicator.GoodQuery, window, ct);
        if (good is null)
        {
            return (null, $"good: {goodError}");
        }

        var (total, totalError) = await NumberAsync(app, slo, indicator.Address, indicator.TotalQuery, window, ct);
        return total is null ? (null, $"total: {totalError}") : (new SloCounts(good.Value, total.Value), null);
    }

    /// <summary>
    /// The text of a query for one window: <c>{{window}}</c> as Prometheus writes ranges (<c>5m</c>, <c>1h</c>,
    /// <c>30d</c>), <c>{{app}}</c> and <c>{{environment}}</c> as the app×env's names.
    /// </summary>
    internal static string Query(string query, string app, string environment, TimeSpan window) =>
        Placeholder().Replace(query, m => m.Groups[1].Value switch
        {
            "window" => SloText.Window(window),
            "app" => app,
            "environment" => environment,
            _ => m.Value,
        });

    private async Task<SloObservation> SumAsync(AppRecord app, SloSpec slo, IReadOnlyList<TimeSpan> windows, SloProgress? progress, DateTimeOffset now, CancellationToken ct)
    {
        if (progress is null)
        {
            // Nothing recorded yet: no traffic seen, and no data held.
            return new SloObservation(slo, windows.ToDictionary(w => w, _ => SloCounts.None), TimeSpan.Zero);
        }

        // A window of length W ending now starts at the second now − W + 1.
        var sums = await store.SumSloAsync(app.App, app.Environment, slo.Name, [.. windows.Select(w => now - w + TimeSpan.FromSeconds(1))], ct);
        var held = now - progress.SinceTime;
        return new SloObservation(slo, windows.Select((w, i) => (w, sums[i])).ToDictionary(p => p.w, p => p.Item2), held < TimeSpan.Zero ? TimeSpan.Zero : held);
    }

    private async Task<SloObservation> QueryAsync(AppRecord app, SloSpec slo, PrometheusIndicator indicator, IReadOnlyList<TimeSpan> windows, CancellationToken ct)
    {
        var counts = new Dictionary<TimeSpan, SloCounts>();
        foreach (var window in windows)
        {
            var (read, error) = await QueryAsync(app, slo, indicator, window, ct);
            if (read is null)
            {
                return SloObservation.Failed(slo, $"over {SloText.Window(window)}, {error}");
            }

            counts[window] = read.Value;
        }

        return new SloObservation(slo, counts, null);
    }

    private async Task<(double? Value, string? Error)> NumberAsync(AppRecord app, SloSpec slo, string address, string query, TimeSpan window, CancellationToken ct)
    {
        var metric = new MetricSpec($"slo-{slo.Name}", new PrometheusMetricProvider(address, Query(query, app.App, app.Environment, window), PrometheusTimeout));
        var result = await prometheus.MeasureAsync(new MeasureRequest(metric, new AnalysisTarget(app.App, app.Environment, 0, null, null, null), time.GetUtcNow(), 1), ct);
        return result.Value switch
        {
            null => (null, result.Error ?? "no answer"),
            NumberValue n => (Finite(n.Value), null),
            ListValue { Items.Count: 0 } => (0, null), // no series: nothing happened
            ListValue { Items: [NumberValue n] } => (Finite(n.Value), null),
            ListValue list => (null, $"the query returned {list.Items.Count} series; aggregate it to one number (sum(…))"),
            var other => (null, $"the query returned {other}, not a number"),
        };
    }

    /// <summary>A rate over no samples is NaN: nothing happened.</summary>
    private static double Finite(double value) => double.IsFinite(value) ? value : 0;

    [GeneratedRegex(@"\{\{\s*([^{}]*?)\s*\}\}")]
    private static partial Regex Placeholder();
}
