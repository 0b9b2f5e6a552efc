namespace Slipway.Server.Analysis.Providers;

/// <summary>
/// The one <see cref="HttpClient"/> the prometheus and http providers share: one <see cref="SocketsHttpHandler"/> for
/// the server's life, so that measuring every second reuses connections instead of opening (and leaving in
/// TIME_WAIT) one per measurement, and recycles them every few minutes so that a Prometheus that moved to another
/// address behind a name is found again.
/// </summary>
internal static class MetricHttp
{
    /// <summary>
    /// A client with no timeout of its own: each provider bounds each call by its metric's <c>timeout</c>, which may
    /// be longer than <see cref="HttpClient"/>'s default 100 s.
    /// </summary>
    public static HttpClient CreateClient() => new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };
}
