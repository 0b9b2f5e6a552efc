using Slipway.Core.Analysis.Judge;

namespace Slipway.Server.Routing;

/// <summary>
/// The router's <c>GET /seconds</c> answer (see docs/api.md, "Router admin"): each revision's requests second by
/// second, as Unix seconds. A second from <see cref="From"/> to <see cref="Through"/> that a revision does not list had
/// no requests of it; before <see cref="From"/> the router cannot tell.
/// </summary>
internal sealed record RouterSeconds(long From, long Through, IReadOnlyList<RouterRevisionSeconds> Revisions);

/// <summary>One revision's seconds with requests, oldest first.</summary>
internal sealed record RouterRevisionSeconds(string App, string Environment, string Revision, IReadOnlyList<RouterSecond> Seconds);

/// <summary>What a revision served in one second: requests, errors (5xx, the router's own included) and latency buckets.</summary>
internal sealed record RouterSecond(long Second, long Requests, long Errors, IReadOnlyList<LatencyBin> LatencyBuckets);
