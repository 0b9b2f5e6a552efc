using Slipway.Core.Analysis;

namespace Slipway.Server.Analysis.Providers;

/// <summary>
/// Takes one measurement of one metric (the router's counters, a Prometheus query, an HTTP call, a job). A provider
/// never decides a phase — conditions do, in Core — and never throws for a failure to measure: it returns
/// <see cref="ProviderResult.Failed"/> with a message that says what failed where (which counts against the metric's
/// <c>consecutiveErrorLimit</c>). Only cancellation of <c>ct</c> throws.
/// </summary>
internal interface IMetricProvider
{
    Task<ProviderResult> MeasureAsync(MeasureRequest request, CancellationToken ct);
}

/// <summary>
/// One measurement to take: the metric (its strings already have <c>{{args.NAME}}</c> replaced), what is analysed,
/// and where in its analysis run this measurement is.
/// </summary>
/// <param name="RunStartedAt">When the analysis run started (the judge reads its window from then).</param>
/// <param name="Look">1-based: how many measurements of this metric this run has taken, this one included.</param>
internal sealed record MeasureRequest(MetricSpec Metric, AnalysisTarget Target, DateTimeOffset RunStartedAt, int Look);

/// <summary>The revision an analysis run judges, and the stable one it may be compared with.</summary>
/// <param name="Revision">The canary (or blue-green preview, or after the switch the new active) revision.</param>
/// <param name="StableRevision">The revision serving before the rollout; null on a first deploy.</param>
/// <param name="ArtifactDirectory">The revision's artifact directory, where a job runs.</param>
/// <param name="RevisionUrl">Base URL of one ready instance of the revision (<c>http://127.0.0.1:PORT</c>), given to
/// jobs as <c>SLIPWAY_CANARY_URL</c>; null when none is ready.</param>
internal sealed record AnalysisTarget(string App, string Environment, int Revision, int? StableRevision, string? ArtifactDirectory, string? RevisionUrl);
