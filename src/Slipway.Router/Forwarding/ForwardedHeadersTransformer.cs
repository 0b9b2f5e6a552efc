using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Forwarder;

namespace Slipway.Router.Forwarding;

/// <summary>
/// What the router changes in a forwarded request and its response, on top of YARP's copy (which already leaves out the
/// hop-by-hop headers and handles bodies, trailers and upgrades):
/// <list type="bullet">
/// <item>the target is the client's, byte for byte (<c>/a/b%2Fc?q=%20</c> reaches the instance as sent);</item>
/// <item>the instance is addressed by its own <c>host:port</c>; the client's Host goes in X-Forwarded-Host, with
/// X-Forwarded-For (the client's address appended) and X-Forwarded-Proto set by the router, never taken from the client;</item>
/// <item>headers the client named in its Connection header are hop-by-hop too (RFC 9110 §7.6.1), which YARP does not do;</item>
/// <item>X-Slipway-Mirror from a client is dropped: only the router marks a copy;</item>
/// <item>the response carries the request's X-Request-ID (set on the request by the proxy before forwarding).</item>
/// </list>
/// One instance serves every request: it keeps no state.
/// </summary>
internal sealed class ForwardedHeadersTransformer : HttpTransformer
{
    private static readonly UriCreationOptions VerbatimTarget = new() { DangerousDisablePathAndQueryCanonicalization = true };

    public override async ValueTask TransformRequestAsync(
        HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken).ConfigureAwait(false);

        var source = httpContext.Request;
        var headers = proxyRequest.Headers;
        headers.Host = null;
        RemoveConnectionListed(source.Headers.Connection, proxyRequest);
        headers.Remove(RouterHeaders.Mirror);

        var forwardedFor = source.Headers[RouterHeaders.ForwardedFor];
        var clientAddress = httpContext.Connection.RemoteIpAddress?.ToString();
        headers.Remove(RouterHeaders.ForwardedFor);
        if (clientAddress is not null)
        {
            headers.TryAddWithoutValidation(RouterHeaders.ForwardedFor,
                StringValues.IsNullOrEmpty(forwardedFor) ? clientAddress : string.Join(", ", forwardedFor.ToString(), clientAddress));
        }
        else if (!StringValues.IsNullOrEmpty(forwardedFor))
        {
            headers.TryAddWithoutValidation(RouterHeaders.ForwardedFor, forwardedFor.ToString());
        }

        headers.Remove(RouterHeaders.ForwardedHost);
        if (source.Host.HasValue)
        {
            headers.TryAddWithoutValidation(RouterHeaders.ForwardedHost, source.Host.Value);
        }

        headers.Remove(RouterHeaders.ForwardedProto);
        headers.TryAddWithoutValidation(RouterHeaders.ForwardedProto, source.Scheme);

        proxyRequest.RequestUri = new Uri(destinationPrefix + TargetOf(httpContext), VerbatimTarget);
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        var relay = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken).ConfigureAwait(false);
        // Replaces any X-Request-ID of the instance's: the client sees the id its request was logged under.
        httpContext.Response.Headers[RouterHeaders.RequestId] = httpContext.Request.Headers[RouterHeaders.RequestId];
        return relay;
    }

    /// <summary>Path and query as the client sent them, so the backend sees exactly the same target.</summary>
    private static string TargetOf(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (!string.IsNullOrEmpty(raw) && raw[0] == '/')
        {
            return raw;
        }

        // Absolute-form or asterisk targets: rebuild from the parsed parts.
        var request = context.Request;
        return request.PathBase.Add(request.Path).ToUriComponent() + request.QueryString.ToUriComponent();
    }

    /// <summary>
    /// Removes the headers a <c>Connection: close, X-Foo</c> declares hop-by-hop. The usual tokens (close, keep-alive,
    /// upgrade) name no header, so the usual request costs one scan of a short string and no allocation.
    /// </summary>
    private static void RemoveConnectionListed(string? connection, HttpRequestMessage proxyRequest)
    {
        if (string.IsNullOrEmpty(connection))
        {
            return;
        }

        foreach (var range in connection.AsSpan().Split(','))
        {
            var token = connection.AsSpan(range).Trim();
            if (token.IsEmpty
                || token.Equals("close", StringComparison.OrdinalIgnoreCase)
                || token.Equals("keep-alive", StringComparison.OrdinalIgnoreCase)
                || token.Equals("upgrade", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            // NonValidated.Contains is false for a name that is not a valid header or not one of this collection's
            // (Content-Type on request headers), where Remove would throw.
            var name = token.ToString();
            if (proxyRequest.Headers.NonValidated.Contains(name))
            {
                proxyRequest.Headers.Remove(name);
            }

            if (proxyRequest.Content is { } content && content.Headers.NonValidated.Contains(name))
            {
                content.Headers.Remove(name);
            }
        }
    }
}
