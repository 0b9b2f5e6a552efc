using Slipway.Server.Routing;

namespace Slipway.Server.Api;

/// <summary>
/// What a revision served over the last <see cref="WindowSeconds"/> seconds, from the router's own counters — the
/// numbers live analysis judges. Part of the status JSON (see docs/api.md): rates are 0 to 1, latencies in
/// milliseconds; rates and latencies are null when there were no requests. Errors are 5xx answers, the router's own
/// 502, 503 and 504 (connection failures, timeouts, no endpoint) included.
/// </summary>
public sealed record RevisionHealth(
    int WindowSeconds,
    long Requests,
    long Errors,
    double? SuccessRate,
    double? ErrorRate,
    double RequestsPerSecond,
    double? P50Ms,
    double? P90Ms,
    double? P95Ms,
    double? P99Ms)
{
    /// <summary>The health of <paramref name="revision"/> in the router's answer; a revision the router has not
    /// routed to in that time had no requests.</summary>
    internal static RevisionHealth Of(RouterStats stats, int revision) =>
        stats.Of(revision) is { } r
            ? new RevisionHealth(r.WindowSeconds, r.Requests, r.Errors, r.SuccessRate, r.ErrorRate, r.RequestsPerSecond, r.P50Ms, r.P90Ms, r.P95Ms, r.P99Ms)
            : new RevisionHealth(stats.WindowSeconds, 0, 0, null, null, 0, null, null, null, null);
}
