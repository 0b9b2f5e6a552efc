using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Slipway.Router.AccessLog;
using Slipway.Router.Config;
using Slipway.Router.Forwarding;
using Slipway.Router.Metrics;
using Slipway.Router.Routing;
using Yarp.ReverseProxy.Forwarder;

namespace Slipway.Router.Proxy;

/// <summary>
/// The proxy's request pipeline: match a route, pick a revision and an endpoint, maybe mirror a copy, forward (through
/// YARP, <see cref="EndpointForwarder"/>), retry once when the backend certainly did not see the request, then record
/// metrics and the access log line.
/// </summary>
internal sealed class ProxyHandler(
    RouteTableHolder tables,
    EndpointForwarder forwarder,
    HttpTransformer transformer,
    MirrorSender mirrors,
    AccessLogWriter? accessLog,
    RouterMetrics metrics,
    RequestIdGenerator requestIds,
    TimeProvider timeProvider)
{
    /// <summary>Largest body copied to a mirror; it has to be held in memory until both copies are sent.</summary>
    public const int MaxMirroredBody = 64 * 1024;

    private static readonly byte[] NoRouteBody = "no route\n"u8.ToArray();
    private static readonly byte[] UnavailableBody = "no endpoints available\n"u8.ToArray();
    private static readonly byte[] BadGatewayBody = "bad gateway\n"u8.ToArray();
    private static readonly byte[] TimeoutBody = "gateway timeout\n"u8.ToArray();
    private static readonly byte[] BadRequestBody = "bad request\n"u8.ToArray();

    public async Task InvokeAsync(HttpContext context)
    {
        var start = timeProvider.GetTimestamp();
        var request = context.Request;
        var id = EnsureRequestId(request.Headers);

        var route = tables.Current.Match(request.Host.Value.AsSpan(), request.Path.Value ?? "/");
        if (route is null)
        {
            metrics.RecordUnmatched();
            var sent = await RespondAsync(context, StatusCodes.Status404NotFound, NoRouteBody, id).ConfigureAwait(false);
            Complete(context, start, id, route: null, revision: null, endpoint: null, StatusCodes.Status404NotFound, sent, retried: false, mirrored: false);
            return;
        }

        var pick = route.PickRevision(request.Headers);
        var endpoint = pick?.Revision.Pick();
        if (pick is not { } picked || endpoint is null)
        {
            var sent = await RespondAsync(context, StatusCodes.Status503ServiceUnavailable, UnavailableBody, id).ConfigureAwait(false);
            metrics.ForRevision(route.App, route.Environment, "none").RecordRequest(StatusCodes.Status503ServiceUnavailable, start, timeProvider.GetTimestamp());
            Complete(context, start, id, route, revision: null, endpoint: null, StatusCodes.Status503ServiceUnavailable, sent, retried: false, mirrored: false);
            return;
        }

        var revision = picked.Revision;
        var upgrade = context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true };
        var hasBody = !upgrade && context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true;

        var mirrored = false;
        if (!upgrade && route.ShouldMirror(revision))
        {
            (mirrored, var failed) = await MirrorAsync(context, route, hasBody).ConfigureAwait(false);
            if (failed)
            {
                revision.Metrics.RecordRequest(499, start, timeProvider.GetTimestamp());
                Complete(context, start, id, route, revision, endpoint, 499, 0, retried: false, mirrored: false);
                return;
            }
        }

        var meter = ResponseMeter.Attach(context);
        try
        {
            var failure = await forwarder.ForwardAsync(context, endpoint).ConfigureAwait(false);

            var retried = false;
            if (failure.IsRetryable() && !hasBody && IsIdempotent(request.Method) && !context.Response.HasStarted
                && route.PickRetry(picked, endpoint, mirrored) is var (retryRevision, retryEndpoint))
            {
                retried = true;
                route.Metrics.RecordRetry();
                revision = retryRevision;
                endpoint = retryEndpoint;
                EndpointForwarder.PrepareRetry(context);
                failure = await forwarder.ForwardAsync(context, endpoint).ConfigureAwait(false);
            }

            int status;
            if (failure == ForwardFailure.ClientAborted)
            {
                status = 499; // nginx's "client closed request": nobody received a status.
            }
            else if (failure != ForwardFailure.None && !context.Response.HasStarted)
            {
                (status, var body) = failure switch
                {
                    ForwardFailure.Timeout => (StatusCodes.Status504GatewayTimeout, TimeoutBody),
                    ForwardFailure.RequestBodyFailed => (StatusCodes.Status400BadRequest, BadRequestBody),
                    _ => (StatusCodes.Status502BadGateway, BadGatewayBody),
                };
                await RespondAsync(context, status, body, id).ConfigureAwait(false);
            }
            else
            {
                status = context.Response.StatusCode;
            }

            revision.Metrics.RecordRequest(status, start, timeProvider.GetTimestamp());
            Complete(context, start, id, route, revision, endpoint, status, meter.BytesSent, retried, mirrored);
        }
        finally
        {
            meter.Detach();
        }
    }

    /// <summary>
    /// Sends the mirror copy. A body is read whole first (only when its declared length is small) and put back as the
    /// request's body, so the copy and the real request can both send it; larger or streamed bodies are not mirrored.
    /// </summary>
    private async Task<(bool Mirrored, bool ClientFailed)> MirrorAsync(HttpContext context, CompiledRoute route, bool hasBody)
    {
        var mirrorRevision = route.MirrorRevision!;
        var request = context.Request;
        byte[]? body = null;
        if (hasBody)
        {
            if (request.ContentLength is not { } length || length is <= 0 or > MaxMirroredBody)
            {
                metrics.RecordMirrorSkipped();
                return (false, false);
            }

            body = new byte[(int)length];
            try
            {
                await request.Body.ReadExactlyAsync(body, context.RequestAborted).ConfigureAwait(false);
            }
            catch (Exception)
            {
                return (false, true);
            }

            request.Body = new MemoryStream(body, writable: false);
        }

        var mirrorEndpoint = mirrorRevision.Pick();
        if (mirrorEndpoint is null)
        {
            return (false, false);
        }

        // The copy gets the same headers, target and forwarding headers as the real request: the same transformer.
        var copy = new HttpRequestMessage(HttpMethod.Parse(request.Method), (Uri?)null)
        {
            Version = System.Net.HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
            Content = body is null ? null : new ByteArrayContent(body),
        };
        await transformer.TransformRequestAsync(context, copy, mirrorEndpoint.BaseUrl, context.RequestAborted).ConfigureAwait(false);
        copy.Headers.TryAddWithoutValidation(RouterHeaders.Mirror, "1");
        return (mirrors.TrySend(copy, mirrorEndpoint, mirrorRevision.Metrics), false);
    }

    private void Complete(
        HttpContext context, long start, string id, CompiledRoute? route, Revision? revision, BackendEndpoint? endpoint,
        int status, long bytesSent, bool retried, bool mirrored)
    {
        if (accessLog is null)
        {
            return;
        }

        var request = context.Request;
        accessLog.Write(new AccessLogEntry(
            timeProvider.GetUtcNow(),
            id,
            request.Method,
            request.Host.Value ?? "",
            request.Path.Value ?? "",
            status,
            timeProvider.GetElapsedTime(start).TotalMilliseconds,
            route?.App,
            route?.Environment,
            revision?.Label,
            endpoint?.Address,
            bytesSent,
            retried,
            mirrored));
    }

    /// <summary>
    /// The request's X-Request-ID: the client's, or a new one written into the request's headers, so the instance, a
    /// mirror copy and the response all carry it as if the client had sent it.
    /// </summary>
    private string EnsureRequestId(IHeaderDictionary headers)
    {
        var given = headers[RouterHeaders.RequestId];
        if (!StringValues.IsNullOrEmpty(given) && given[0] is { Length: > 0 } value)
        {
            return value;
        }

        var id = requestIds.Next();
        headers[RouterHeaders.RequestId] = id;
        return id;
    }

    private static async Task<long> RespondAsync(HttpContext context, int status, byte[] body, string id)
    {
        if (context.Response.HasStarted || context.RequestAborted.IsCancellationRequested)
        {
            return 0;
        }

        var response = context.Response;
        response.Clear();
        response.StatusCode = status;
        response.ContentType = "text/plain; charset=utf-8";
        response.ContentLength = body.Length;
        response.Headers[RouterHeaders.RequestId] = id;
        try
        {
            await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
            return body.Length;
        }
        catch (Exception) when (context.RequestAborted.IsCancellationRequested)
        {
            return 0;
        }
    }

    /// <summary>Methods a client may repeat without changing the outcome (RFC 9110 §9.2.2).</summary>
    private static bool IsIdempotent(string method) =>
        HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method)
        || HttpMethods.IsPut(method) || HttpMethods.IsDelete(method) || HttpMethods.IsTrace(method);
}
