namespace Slipway.Router.Routing;

/// <summary>
/// An immutable, precompiled routing table. Requests read the current table once and use it to the end, so a reload
/// swaps one reference and never changes a table under a request.
/// Matching: routes for the request's host (case-insensitive, port ignored) first, then host-less routes; within
/// each, the longest path prefix wins.
/// </summary>
internal sealed class RouteTable
{
    private readonly Dictionary<string, CompiledRoute[]>.AlternateLookup<ReadOnlySpan<char>> _byHost;
    private readonly CompiledRoute[] _anyHost;
    private readonly HashSet<BackendEndpoint> _endpoints;
    private readonly Dictionary<string, CompiledRoute> _byId;

    public RouteTable(long version, IReadOnlyList<CompiledRoute> routes)
    {
        Version = version;
        Routes = routes;

        var byHost = new Dictionary<string, List<CompiledRoute>>(StringComparer.OrdinalIgnoreCase);
        var anyHost = new List<CompiledRoute>();
        _endpoints = new HashSet<BackendEndpoint>(ReferenceEqualityComparer.Instance);
        _byId = new Dictionary<string, CompiledRoute>(StringComparer.Ordinal);
        foreach (var route in routes)
        {
            _byId.TryAdd(route.Id, route);
            if (route.Host is null)
            {
                anyHost.Add(route);
            }
            else
            {
                var key = HostName.WithoutPort(route.Host).ToString();
                if (!byHost.TryGetValue(key, out var list))
                {
                    byHost.Add(key, list = []);
                }

                list.Add(route);
            }

            foreach (var revision in route.Revisions)
            {
                foreach (var endpoint in revision.Endpoints)
                {
                    _endpoints.Add(endpoint);
                }
            }
        }

        var compiled = new Dictionary<string, CompiledRoute[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var (host, list) in byHost)
        {
            compiled.Add(host, SortByPrefixLength(list));
        }

        _byHost = compiled.GetAlternateLookup<ReadOnlySpan<char>>();
        _anyHost = SortByPrefixLength(anyHost);
    }

    public static RouteTable Empty { get; } = new(0, []);

    public long Version { get; }

    public IReadOnlyList<CompiledRoute> Routes { get; }

    /// <summary>The route for a request, or null (404).</summary>
    /// <param name="hostHeader">The Host header as received, port included.</param>
    /// <param name="path">The request path.</param>
    public CompiledRoute? Match(ReadOnlySpan<char> hostHeader, string path)
    {
        var host = HostName.WithoutPort(hostHeader);
        if (!host.IsEmpty && _byHost.TryGetValue(host, out var routes) && FindPrefix(routes, path) is { } hostRoute)
        {
            return hostRoute;
        }

        return FindPrefix(_anyHost, path);
    }

    /// <summary>Every endpoint the table lists, once.</summary>
    public IReadOnlyCollection<BackendEndpoint> Endpoints => _endpoints;

    public bool Contains(BackendEndpoint endpoint) => _endpoints.Contains(endpoint);

    /// <summary>The route with this id, to carry its counters into the next table.</summary>
    public CompiledRoute? FindById(string id) => _byId.GetValueOrDefault(id);

    private static CompiledRoute? FindPrefix(CompiledRoute[] routes, string path)
    {
        foreach (var route in routes)
        {
            if (path.StartsWith(route.PathPrefix, StringComparison.Ordinal))
            {
                return route;
            }
        }

        return null;
    }

    private static CompiledRoute[] SortByPrefixLength(List<CompiledRoute> routes)
    {
        var array = routes.ToArray();
        // Stable on ties: the table's order decides between equal prefixes, not the sort.
        var order = Enumerable.Range(0, array.Length).ToArray();
        Array.Sort(order, (a, b) =>
        {
            var byLength = array[b].PathPrefix.Length.CompareTo(array[a].PathPrefix.Length);
            return byLength != 0 ? byLength : a.CompareTo(b);
        });
        return Array.ConvertAll(order, i => array[i]);
    }
}
