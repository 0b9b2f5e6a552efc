using System.Net;

namespace Slipway.Router.Forwarding;

/// <summary>
/// The one connection pool to all backends, shared by forwarding (YARP's forwarder sends through it) and mirroring.
/// Configured as YARP recommends for an <c>HttpMessageInvoker</c> it is given: no proxy, no redirects, no
/// decompression, no cookies — the proxy relays those as they are.
/// </summary>
internal static class BackendClient
{
    public static HttpMessageInvoker Create(TimeSpan connectTimeout)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ConnectTimeout = connectTimeout,
            // Recycle connections now and then so a backend's address change or a leaking connection heals itself;
            // idle ones close before the backend's own keep-alive timeout would (Kestrel 130 s, nginx 75 s).
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            // The proxy forwards the client's trace headers as they are; it adds none of its own.
            ActivityHeadersPropagator = null,
            EnableMultipleHttp2Connections = false,
        };

        return new HttpMessageInvoker(handler, disposeHandler: true);
    }
}
