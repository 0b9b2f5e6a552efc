using Slipway.Router.Metrics;

namespace Slipway.Router.Routing;

/// <summary>The compiled form of a <see cref="BackendGroup"/>: a revision's ready endpoints, balanced round-robin.</summary>
internal sealed class Revision
{
    private uint _next;

    public Revision(string label, int weight, BackendEndpoint[] endpoints, RevisionMetrics metrics)
    {
        Label = label;
        Weight = weight;
        Endpoints = endpoints;
        Metrics = metrics;
    }

    public string Label { get; }

    public int Weight { get; }

    public BackendEndpoint[] Endpoints { get; }

    public RevisionMetrics Metrics { get; }

    public bool HasEndpoints => Endpoints.Length > 0;

    /// <summary>The next endpoint in round-robin order, or null when the revision has none.</summary>
    public BackendEndpoint? Pick()
    {
        var endpoints = Endpoints;
        return endpoints.Length switch
        {
            0 => null,
            1 => endpoints[0],
            _ => endpoints[(int)(Interlocked.Increment(ref _next) % (uint)endpoints.Length)],
        };
    }

    /// <summary>
    /// An endpoint other than <paramref name="failed"/>, for a retry: the one after it, so a retry does not disturb
    /// the round-robin order of other requests. Null when there is none.
    /// </summary>
    public BackendEndpoint? PickOther(BackendEndpoint failed)
    {
        var endpoints = Endpoints;
        var index = Array.IndexOf(endpoints, failed);
        for (var i = 1; i <= endpoints.Length; i++)
        {
            var candidate = endpoints[(index + i + endpoints.Length) % endpoints.Length];
            if (candidate != failed)
            {
                return candidate;
            }
        }

        return null;
    }
}
