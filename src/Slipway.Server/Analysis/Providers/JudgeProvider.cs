using Slipway.Core.Analysis;
using Slipway.Core.Analysis.Judge;
using Slipway.Router.Metrics;
using Slipway.Server.Routing;

namespace Slipway.Server.Analysis.Providers;

/// <summary>
/// The statistical judge's provider: reads what the canary and the stable revision served over the same window from
/// the router — requests, errors and latency buckets, from one <c>/stats</c> answer so both sides cover the same
/// seconds — and hands both to <see cref="BaselineJudge"/>, whose verdict decides the measurement. The window is the
/// metric's, or else everything since the analysis run started: each look then judges all the traffic seen so far,
/// which is what the judge's correction for repeated looks assumes (up to the router's 5 minutes).
/// </summary>
internal sealed class JudgeProvider(RouterAdminClient router, TimeProvider time, JudgeProvider.JudgeFunction? judge = null) : IMetricProvider
{
    /// <summary>The judge's signature; tests substitute their own to see what the provider passes on.</summary>
    internal delegate JudgeVerdict JudgeFunction(JudgeMetricProvider settings, RevisionSample canary, RevisionSample stable, int look, int? plannedLooks, int minSampleSize);

    private readonly JudgeFunction _judge = judge ?? BaselineJudge.Judge;

    public async Task<ProviderResult> MeasureAsync(MeasureRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var metric = request.Metric;
        var settings = metric.Provider as JudgeMetricProvider
            ?? throw new ArgumentException($"metric '{metric.Name}' is not measured by the judge", nameof(request));
        var target = request.Target;
        if (target.StableRevision is not { } stableRevision)
        {
            return ProviderResult.Failed("no stable revision to compare with");
        }

        int seconds;
        if (settings.Window is { } window)
        {
            if (RouterProvider.WindowSeconds(window) is not { } fixedSeconds)
            {
                return ProviderResult.Failed(RouterProvider.WindowError(window));
            }

            seconds = fixedSeconds;
        }
        else
        {
            seconds = SinceStart(request.RunStartedAt);
        }

        var (stats, error) = await router.GetStatsAsync(target.App, target.Environment, seconds, withBuckets: true, ct);
        if (stats is null)
        {
            return ProviderResult.Failed(error ?? "the router did not answer /stats");
        }

        var canary = stats.SampleOf(target.Revision);
        var stable = stats.SampleOf(stableRevision);
        var verdict = _judge(settings, canary, stable, request.Look, plannedLooks: metric.Count, minSampleSize: metric.MinSampleSize);
        return new ProviderResult(
            AnalysisValue.Of(verdict.Confidence),
            SampleSize: Math.Min(canary.Requests, stable.Requests),
            Verdict: verdict);
    }

    /// <summary>The whole seconds since the run started, rounded up so its first request is in, within the router's 1 s
    /// to 5 minutes.</summary>
    private int SinceStart(DateTimeOffset runStartedAt)
    {
        var elapsed = Math.Ceiling((time.GetUtcNow() - runStartedAt).TotalSeconds);
        return (int)Math.Clamp(elapsed, 1, StatsWindow.MaxSeconds);
    }
}
