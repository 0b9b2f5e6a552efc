namespace Slipway.Router.Metrics;

/// <summary>
/// The windows the router's <c>/stats</c> endpoint answers for. Public because the server checks a status request's
/// window against the same bounds before it asks the router.
/// </summary>
public static class StatsWindow
{
    /// <summary>What <c>/stats</c> and <c>slipway status</c> use when no window is given.</summary>
    public const int DefaultSeconds = 60;

    /// <summary>The longest window: how many seconds each revision's <see cref="SlidingWindow"/> keeps (5 minutes).</summary>
    public const int MaxSeconds = 300;
}
