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
    /// In-flight counts of the endpoints of <paramref name="current"/> (zero included) and of any other endpoint that
    /// still has requests in flight. Idle endpoints that the table no longer lists are forgotten.
    /// </summary>
    public List<KeyValuePair<string, int>> Snapshot(RouteTable current)
    {
        var result = new List<KeyValuePair<string, int>>();
        lock (_lock)
        {
            List<string>? forget = null;
            foreach (var (address, endpoint) in _known)
            {
                var inFlight = endpoint.InFlight;
                if (current.Contains(endpoint) || inFlight > 0)
                {
                    result.Add(new(address, inFlight));
                }
                else
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

        result.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return result;
    }
}
