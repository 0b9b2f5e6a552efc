using System.Net;
using Microsoft.AspNetCore.Http;
using Slipway.Router.Routing;
using Yarp.ReverseProxy.Forwarder;

namespace Slipway.Router.Forwarding;

/// <summary>
/// Forwards one request to one chosen endpoint through YARP's <see cref="IHttpForwarder"/>, which streams both bodies,
/// drops hop-by-hop headers and turns a WebSocket upgrade into a two-way tunnel. Around it, the router's own part:
/// the endpoint's in-flight count (what draining waits for, tunnels included) and the outcome as a
/// <see cref="ForwardFailure"/>, on which the proxy decides between a retry and an error response.
/// </summary>
internal sealed class EndpointForwarder
{
    private readonly IHttpForwarder _forwarder;
    private readonly HttpMessageInvoker _backends;
    private readonly ForwarderRequestConfig _config;
    private readonly HttpTransformer _transformer;

    /// <param name="forwarder">YARP's forwarder.</param>
    /// <param name="backends">The connection pool to every backend (<see cref="BackendClient"/>).</param>
    /// <param name="transformer">The router's changes to requests and responses (<see cref="ForwardedHeadersTransformer"/>).</param>
    /// <param name="backendTimeout">Longest silence from the backend: before its response headers, between two reads or
    /// writes of a body, and in both directions of a WebSocket.</param>
    public EndpointForwarder(IHttpForwarder forwarder, HttpMessageInvoker backends, HttpTransformer transformer, TimeSpan backendTimeout)
    {
        ArgumentNullException.ThrowIfNull(forwarder);
        ArgumentNullException.ThrowIfNull(backends);
        ArgumentNullException.ThrowIfNull(transformer);
        _forwarder = forwarder;
        _backends = backends;
        _transformer = transformer;
        _config = new ForwarderRequestConfig
        {
            ActivityTimeout = backendTimeout,
            // Instances speak HTTP/1.1 on plain TCP; YARP's default (HTTP/2, or lower) would be negotiated down anyway.
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
    }

    public async ValueTask<ForwardFailure> ForwardAsync(HttpContext context, BackendEndpoint endpoint)
    {
        endpoint.Enter();
        try
        {
            var error = await _forwarder.SendAsync(context, endpoint.BaseUrl, _backends, _config, _transformer).ConfigureAwait(false);
            return ForwardFailureClassifier.Classify(error, context);
        }
        finally
        {
            endpoint.Exit();
        }
    }

    /// <summary>
    /// Undoes what a failed attempt left on the response (YARP sets the status it would answer and records the error),
    /// so the request can be forwarded again. Only for a response that has not started.
    /// </summary>
    public static void PrepareRetry(HttpContext context)
    {
        context.Response.Clear();
        context.Features.Set<IForwarderErrorFeature>(null);
    }
}
