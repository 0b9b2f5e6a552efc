namespace Slipway.Server.Routing;

/// <summary>
/// The router's <c>GET /stats</c> answer (see docs/api.md, "Router admin"): what each revision of an app×env served
/// over a recent window, from the router's own per-second counters.
/// </summary>
internal sealed record RouterStats(int WindowSeconds, IReadOnlyList<RouterRevisionStats> Revisions);

/// <summary>One revision in <see cref="RouterStats"/>; <see cref="Revision"/> is the router's label (the revision
/// number, or <c>none</c> for requests that found no endpoint). Rates are 0 to 1; rates and quantiles are null without
/// requests.</summary>
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
    double? P99Ms);
