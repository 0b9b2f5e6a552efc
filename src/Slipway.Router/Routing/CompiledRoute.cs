using Microsoft.AspNetCore.Http;
using Slipway.Router.Metrics;

namespace Slipway.Router.Routing;

/// <summary>
/// The compiled form of a <see cref="RouteConfig"/>: which revision serves a request (header route, then weights) and
/// whether a copy is mirrored. Immutable apart from its counters; shared by every request that reads the same table.
/// </summary>
internal sealed class CompiledRoute
{
    private readonly Revision[] _weighted;
    private readonly WeightedSchedule? _schedule;
    private readonly HeaderRouteMatcher? _headerMatcher;
    private readonly Revision? _headerRevision;
    private readonly int _mirrorPercent;

    public CompiledRoute(
        RouteConfig config,
        Revision[] revisions,
        HeaderRouteMatcher? headerMatcher,
        Revision? headerRevision,
        Revision? mirrorRevision,
        RouteCounters counters,
        RouteMetrics metrics)
    {
        Config = config;
        Id = config.Id;
        App = config.App;
        Environment = config.Environment;
        Host = string.IsNullOrEmpty(config.Host) ? null : config.Host;
        PathPrefix = config.PathPrefix;
        Revisions = revisions;
        Counters = counters;
        Metrics = metrics;
        _headerMatcher = headerMatcher;
        _headerRevision = headerRevision;
        MirrorRevision = mirrorRevision is { HasEndpoints: true } ? mirrorRevision : null;
        _mirrorPercent = Math.Clamp(config.Mirror?.Percent ?? 0, 0, 100);

        // Only revisions with a weight serve the route's traffic. A weight-0 revision is there for its header route or
        // its mirror (a canary before its first step): when every weighted revision is empty the answer is 503, never
        // production traffic on a revision that was given none.
        _weighted = Array.FindAll(revisions, static r => r.Weight > 0 && r.HasEndpoints);
        _schedule = WeightedSchedule.Create(Array.ConvertAll(_weighted, static r => r.Weight));
    }

    /// <summary>What it was compiled from: a next table with the same route reuses this one as it is.</summary>
    public RouteConfig Config { get; }

    public string Id { get; }

    public string App { get; }

    public string Environment { get; }

    public string? Host { get; }

    public string PathPrefix { get; }

    public Revision[] Revisions { get; }

    public Revision? MirrorRevision { get; }

    public RouteCounters Counters { get; }

    public RouteMetrics Metrics { get; }

    /// <summary>
    /// The revision for this request: the header route's when the request matches it, else one of the weighted
    /// revisions; null when none of them has an endpoint (503).
    /// </summary>
    public RevisionPick? PickRevision(IHeaderDictionary headers)
    {
        // A header route to a revision without instances falls back to the weights instead of failing.
        if (_headerMatcher is not null && _headerRevision!.HasEndpoints && _headerMatcher.Matches(headers))
        {
            return new RevisionPick(_headerRevision, ByHeader: true);
        }

        var schedule = _schedule;
        if (schedule is null)
        {
            return null;
        }

        return new RevisionPick(schedule.Length == 1 ? _weighted[0] : _weighted[schedule.Pick(Counters.NextWeighted())], ByHeader: false);
    }

    /// <summary>
    /// Whether a copy of a request served by <paramref name="serving"/> goes to the mirror: never when the mirror is the
    /// revision that serves it (it would see the request twice: a duplicate write for a POST); otherwise for
    /// <c>percent</c> % of the requests served elsewhere. Request n of those is mirrored when ⌊n·p/100⌋ steps up, which
    /// spreads exactly p of every 100 consecutive requests evenly.
    /// </summary>
    public bool ShouldMirror(Revision serving)
    {
        if (MirrorRevision is null || _mirrorPercent == 0 || serving == MirrorRevision)
        {
            return false;
        }

        var n = Counters.NextMirror();
        var p = (ulong)_mirrorPercent;
        return n * p / 100 != (n - 1) * p / 100;
    }

    /// <summary>
    /// Where to retry a request after <paramref name="failed"/> refused the connection, among the revisions that may
    /// serve it: another endpoint of the same revision, else (not for a header-matched request, which only its header
    /// revision serves) an endpoint of another weighted revision — but not the mirror when a copy of this request went
    /// there. Null when there is nowhere else.
    /// </summary>
    public (Revision Revision, BackendEndpoint BackendEndpoint)? PickRetry(RevisionPick pick, BackendEndpoint failed, bool mirrored)
    {
        var revision = pick.Revision;
        if (revision.PickOther(failed) is { } sibling)
        {
            return (revision, sibling);
        }

        if (pick.ByHeader)
        {
            return null;
        }

        foreach (var candidate in _weighted)
        {
            if (candidate != revision && !(mirrored && candidate == MirrorRevision) && candidate.PickOther(failed) is { } other)
            {
                return (candidate, other);
            }
        }

        return null;
    }
}
