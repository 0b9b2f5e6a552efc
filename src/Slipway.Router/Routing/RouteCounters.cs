namespace Slipway.Router.Routing;

/// <summary>
/// Sequence numbers of a route's weighted and mirror picks. Carried from one table to the next by route id, so that a
/// controller reloading often (every step of a canary) does not restart the cycle each time and starve a small share.
/// </summary>
internal sealed class RouteCounters
{
    private long _weighted;
    private long _mirror;

    public ulong NextWeighted() => (ulong)Interlocked.Increment(ref _weighted);

    public ulong NextMirror() => (ulong)Interlocked.Increment(ref _mirror);
}
