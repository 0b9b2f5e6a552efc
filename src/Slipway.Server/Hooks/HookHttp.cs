namespace Slipway.Server.Hooks;

/// <summary>
/// The <see cref="HttpClient"/> of http hooks: redirects are not followed (a hook's URL is where the rollout's moment
/// goes, and its headers, a token among them, must not be sent on to wherever a redirect points), and each call is
/// bounded by its hook's own timeout rather than the client's.
/// </summary>
internal static class HookHttp
{
    public static HttpClient CreateClient() => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };
}
