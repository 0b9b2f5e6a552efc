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

        // Revisions that take weighted traffic. When every weighted revision is empty (its instances died), serving
        // from any revision that has instances beats failing: a control-plane lag must not drop requests.
        _weighted = Array.FindAll(revisions, static r => r.Weight > 0 && r.HasEndpoints);
        if (_weighted.Length == 0)
        {
            _weighted = Array.FindAll(revisions, static r => r.HasEndpoints);
            _schedule = WeightedSchedule.Create(Array.ConvertAll(_weighted, static _ => 1));
        }
        else
        {
            _schedule = WeightedSchedule.Create(Array.ConvertAll(_weighted, static r => r.Weight));
        }
    }

    public string Id { get; }

    public string App { get; }

    public string Environment { get; }

    public string? Host { get; }

    public string PathPrefix { get; }

    public Revision[] Revisions { get; }

    public Revision? MirrorRevision { get; }

    public RouteCounters Counters { get; }

    public RouteMetrics Metrics { get; }

    /// <summary>The revision for this request; null when no revision of the route has an endpoint (503).</summary>
    public Revision? PickRevision(IHeaderDictionary headers)
    {
        // A header route to a revision without instances falls back to the weights instead of failing.
        if (_headerMatcher is not null && _headerRevision!.HasEndpoints && _headerMatcher.Matches(headers))
        {
            return _headerRevision;
        }

        var schedule = _schedule;
        if (schedule is null)
        {
            return null;
        }

        return schedule.Length == 1 ? _weighted[0] : _weighted[schedule.Pick(Counters.NextWeighted())];
    }

    /// <summary>
    /// Whether this request is one of the mirrored <c>percent</c> %. Request n is mirrored when ⌊n·p/100⌋ steps up,
    /// which spreads exactly p of every 100 consecutive requests evenly.
    /// </summary>
    public bool ShouldMirror()
    {
        if (MirrorRevision is null || _mirrorPercent == 0)
        {
            return false;
        }

        var n = Counters.NextMirror();
        var p = (ulong)_mirrorPercent;
        return n * p / 100 != (n - 1) * p / 100;
    }

    /// <summary>
    /// Where to retry after <paramref name="failed"/> refused the connection: another endpoint of the same revision,
    /// else an endpoint of another revision of the route; null when there is nowhere else.
    /// </summary>
    public (Revision Revision, BackendEndpoint BackendEndpoint)? PickRetry(Revision revision, BackendEndpoint failed)
    {
        if (revision.PickOther(failed) is { } sibling)
        {
            return (revision, sibling);
        }

        // Prefer revisions that take weighted traffic; a weight-0 revision (e.g. a mirror target) is a last resort.
        foreach (var candidate in _weighted)
        {
            if (candidate != revision && candidate.PickOther(failed) is { } other)
            {
                return (candidate, other);
            }
        }

        foreach (var candidate in Revisions)
        {
            if (candidate != revision && candidate.PickOther(failed) is { } other)
            {
                return (candidate, other);
            }
        }

        return null;
    }
}
