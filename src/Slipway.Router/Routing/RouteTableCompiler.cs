using Slipway.Router.Metrics;

namespace Slipway.Router.Routing;

/// <summary>
/// Turns a <see cref="RouterConfig"/> into a <see cref="RouteTable"/>: shared endpoints, metric series, compiled
/// regexes and weighted schedules — everything a request would otherwise compute. A table that cannot be compiled is
/// rejected whole, so the router keeps serving the previous one.
/// </summary>
internal sealed class RouteTableCompiler(EndpointRegistry endpoints, RouterMetrics metrics)
{
    /// <exception cref="InvalidDataException">An endpoint or a header regex is invalid.</exception>
    public RouteTable Compile(RouterConfig config, RouteTable previous)
    {
        var routes = new List<CompiledRoute>(config.Routes.Count);
        foreach (var route in config.Routes)
        {
            routes.Add(CompileRoute(route, previous));
        }

        return new RouteTable(config.Version, routes);
    }

    private CompiledRoute CompileRoute(RouteConfig config, RouteTable previous)
    {
        // A table of a thousand apps changes one app at a time: the others are reused, not compiled again, so a
        // reload costs what changed (and requests in flight on the old table share the same counters and schedules).
        if (previous.FindById(config.Id) is { } unchanged && unchanged.Config.SameAs(config))
        {
            return unchanged;
        }

        var revisions = new Revision[config.Backends.Count];
        for (var i = 0; i < revisions.Length; i++)
        {
            var group = config.Backends[i];
            var groupEndpoints = new List<BackendEndpoint>(group.Endpoints.Count);
            foreach (var address in group.Endpoints)
            {
                var endpoint = endpoints.GetOrAdd(address)
                    ?? throw new InvalidDataException($"route {config.Id}, revision {group.Revision}: endpoint '{address}' is not host:port");
                if (!groupEndpoints.Contains(endpoint))
                {
                    groupEndpoints.Add(endpoint);
                }
            }

            revisions[i] = new Revision(group.Revision, group.Weight, groupEndpoints.ToArray(),
                metrics.ForRevision(config.App, config.Environment, group.Revision));
        }

        HeaderRouteMatcher? headerMatcher = null;
        Revision? headerRevision = null;
        if (config.HeaderRoute is { } headerRoute)
        {
            headerRevision = Find(revisions, headerRoute.Revision)
                ?? throw new InvalidDataException($"route {config.Id}: header route revision {headerRoute.Revision} is not among its backends");
            try
            {
                headerMatcher = HeaderRouteMatcher.Create(headerRoute.Matches);
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"route {config.Id}: header route: {e.Message}", e);
            }
        }

        Revision? mirrorRevision = null;
        if (config.Mirror is { } mirror)
        {
            mirrorRevision = Find(revisions, mirror.Revision)
                ?? throw new InvalidDataException($"route {config.Id}: mirror revision {mirror.Revision} is not among its backends");
        }

        var counters = previous.FindById(config.Id)?.Counters ?? new RouteCounters();
        return new CompiledRoute(config, revisions, headerMatcher, headerRevision, mirrorRevision, counters,
            metrics.ForRoute(config.App, config.Environment));
    }

    private static Revision? Find(Revision[] revisions, string label) =>
        Array.Find(revisions, r => string.Equals(r.Label, label, StringComparison.Ordinal));
}
