namespace Slipway.Router.Routing;

/// <summary>
/// Every endpoint the router knows: those of the current table and those a previous table listed that still have
/// requests in flight (draining). Tables get their <see cref="BackendEndpoint"/> objects from here so counts are shared.
/// Only table compilation and the admin endpoint take the lock; requests never do.
/// </summary>
internal sealed class EndpointRegistry
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, BackendEndpoint> _known = new(StringComparer.Ordinal);

    /// <summary>The shared endpoint for <paramref name="address"/>, or null when the address is malformed.</summary>
    public BackendEndpoint? GetOrAdd(string address)
    {
        lock (_lock)
        {
            if (_known.TryGetValue(address, out var endpoint))
            {
                return endpoint;
            }

            endpoint = BackendEndpoint.TryCreate(address);
            if (endpoint is not null)
            {
                _known.Add(address, endpoint);
            }

            return endpoint;
        }
    }

    /// <summary>
    /// Forgets idle endpoints that <paramref name="published"/> no longer lists. Called by the table watcher right
    /// after it publishes a table — the same thread that compiles tables — so an endpoint registered for a table
    /// still being compiled is never forgotten before that table is served.
    /// </summary>
    public void Retain(RouteTable published)
    {
        lock (_lock)
        {
            List<string>? forget = null;
            foreach (var (address, endpoint) in _known)
            {
                if (endpoint.InFlight == 0 && !published.Contains(endpoint))
                {
                    (forget ??= []).Add(address);
                }
            }

            if (forget is not null)
            {
                foreach (var address in forget)
                {
                    _known.Remove(address);
                }
            }
        }
    }

    /// <summary>
    /// In-flight counts of the endpoints of <paramref name="current"/> (zero included) and of any other endpoint that
    /// still has requests in flight (draining), by address.
    /// </summary>
    public List<KeyValuePair<string, int>> Snapshot(RouteTable current)
    {
        var result = new List<KeyValuePair<string, int>>();
        lock (_lock)
        {
            foreach (var (address, endpoint) in _known)
            {
                var inFlight = endpoint.InFlight;
                if (inFlight > 0 && !current.Contains(endpoint))
                {
                    result.Add(new(address, inFlight));
                }
            }
        }

        foreach (var endpoint in current.Endpoints)
        {
            result.Add(new(endpoint.Address, endpoint.InFlight));
        }

        result.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return result;
    }
}
