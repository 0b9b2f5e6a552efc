using Slipway.Core.Analysis.Judge;

namespace Slipway.Server.Routing;

/// <summary>
/// The router's <c>GET /stats</c> answer (see docs/api.md, "Router admin"): what each revision of an app×env served
/// over a recent window, from the router's own per-second counters.
/// </summary>
internal sealed record RouterStats(int WindowSeconds, IReadOnlyList<RouterRevisionStats> Revisions)
{
    /// <summary>The stats of <paramref name="revision"/>; null when the router has not routed to it in that time (it
    /// never saw it, or dropped it): it had no requests.</summary>
    public RouterRevisionStats? Of(int revision)
    {
        var label = revision.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Revisions.FirstOrDefault(r => r.Revision == label);
    }

    /// <summary>What <paramref name="revision"/> served, as the judge compares it; no requests when the router has
    /// not routed to it in the window. Its latency is empty unless the stats were read with buckets.</summary>
    public RevisionSample SampleOf(int revision) => Of(revision)?.Sample ?? new RevisionSample(0, 0, []);
}

/// <summary>One revision in <see cref="RouterStats"/>; <see cref="Revision"/> is the router's label (the revision
/// number, or <c>none</c> for requests that found no endpoint). Rates are 0 to 1; rates and quantiles are null without
/// requests.</summary>
/// <param name="LatencyBuckets">The non-empty latency buckets of the window, ascending, when read with buckets;
/// null otherwise.</param>
internal sealed record RouterRevisionStats(
    string App,
    string Environment,
    string Revision,
    int WindowSeconds,
    long Requests,
    long Errors,
    double? SuccessRate,
    double? ErrorRate,
    double RequestsPerSecond,
    double? P50Ms,
    double? P90Ms,
    double? P95Ms,
    double? P99Ms,
    IReadOnlyList<LatencyBin>? LatencyBuckets = null)
{
    /// <summary>Requests, errors and latency bins, as the judge compares revisions.</summary>
    public RevisionSample Sample => new(Requests, Errors, LatencyBuckets ?? []);
}
