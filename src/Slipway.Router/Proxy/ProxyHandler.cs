using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Slipway.Router.AccessLog;
using Slipway.Router.Config;
using Slipway.Router.Forwarding;
using Slipway.Router.Metrics;
using Slipway.Router.Routing;

namespace Slipway.Router.Proxy;

/// <summary>
/// The proxy's request pipeline: match a route, pick a revision and an endpoint, maybe mirror a copy, forward, retry
/// once when the backend certainly did not see the request, then record metrics and the access log line.
/// </summary>
internal sealed class ProxyHandler(
    RouteTableHolder tables,
    HttpForwarder forwarder,
    UpgradeTunnel tunnel,
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
        var id = IdentityOf(request.Headers);

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
        var upgrade = UpgradeTunnel.IsUpgrade(context);
        var hasBody = !upgrade && context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true;

        byte[]? bufferedBody = null;
        var mirrored = false;
        if (!upgrade && route.ShouldMirror(revision))
        {
            (mirrored, bufferedBody, var failed) = await MirrorAsync(context, route, id, hasBody).ConfigureAwait(false);
            if (failed)
            {
                revision.Metrics.RecordRequest(499, start, timeProvider.GetTimestamp());
                Complete(context, start, id, route, revision, endpoint, 499, 0, retried: false, mirrored: false);
                return;
            }
        }

        var result = await ForwardAsync(context, endpoint, id, bufferedBody, upgrade).ConfigureAwait(false);

        var retried = false;
        if (result.Error.IsRetryable() && !hasBody && IsIdempotent(request.Method) && !context.Response.HasStarted
            && route.PickRetry(picked, endpoint, mirrored) is var (retryRevision, retryEndpoint))
        {
            retried = true;
            route.Metrics.RecordRetry();
            revision = retryRevision;
            endpoint = retryEndpoint;
            result = await ForwardAsync(context, endpoint, id, bufferedBody, upgrade).ConfigureAwait(false);
        }

        var bytesSent = result.BytesSent;
        int status;
        if (result.Error == ForwarderError.ClientAborted)
        {
            status = 499; // nginx's "client closed request": nobody received a status.
        }
        else if (result.Error != ForwarderError.None && !context.Response.HasStarted)
        {
            (status, var body) = result.Error switch
            {
                ForwarderError.Timeout => (StatusCodes.Status504GatewayTimeout, TimeoutBody),
                ForwarderError.RequestBodyFailed => (StatusCodes.Status400BadRequest, BadRequestBody),
                _ => (StatusCodes.Status502BadGateway, BadGatewayBody),
            };
            bytesSent = await RespondAsync(context, status, body, id).ConfigureAwait(false);
        }
        else
        {
            status = context.Response.StatusCode;
        }

        revision.Metrics.RecordRequest(status, start, timeProvider.GetTimestamp());
        Complete(context, start, id, route, revision, endpoint, status, bytesSent, retried, mirrored);
    }

    private Task<ForwardResult> ForwardAsync(HttpContext context, BackendEndpoint endpoint, RequestIdentity id, byte[]? bufferedBody, bool upgrade) =>
        upgrade ? tunnel.ForwardAsync(context, endpoint, id) : forwarder.ForwardAsync(context, endpoint, id, bufferedBody);

    /// <summary>
    /// Sends the mirror copy. A body is read whole first (only when its declared length is small), so the copy and the
    /// real request can both send it; larger or streamed bodies are not mirrored.
    /// </summary>
    private async Task<(bool Mirrored, byte[]? Body, bool ClientFailed)> MirrorAsync(HttpContext context, CompiledRoute route, RequestIdentity id, bool hasBody)
    {
        var mirrorRevision = route.MirrorRevision!;
        byte[]? body = null;
        if (hasBody)
        {
            if (context.Request.ContentLength is not { } length || length is <= 0 or > MaxMirroredBody)
            {
                metrics.RecordMirrorSkipped();
                return (false, null, false);
            }

            body = new byte[(int)length];
            try
            {
                await context.Request.Body.ReadExactlyAsync(body, context.RequestAborted).ConfigureAwait(false);
            }
            catch (Exception)
            {
                return (false, null, true);
            }
        }

        var mirrorEndpoint = mirrorRevision.Pick();
        if (mirrorEndpoint is null)
        {
            return (false, body, false);
        }

        var copy = HttpForwarder.CreateRequest(context, mirrorEndpoint, id, body, activity: null);
        copy.Headers.TryAddWithoutValidation(HopByHopHeaders.Mirror, "1");
        return (mirrors.TrySend(copy, mirrorEndpoint, mirrorRevision.Metrics), body, false);
    }

    private void Complete(
        HttpContext context, long start, RequestIdentity id, CompiledRoute? route, Revision? revision, BackendEndpoint? endpoint,
        int status, long bytesSent, bool retried, bool mirrored)
    {
        if (accessLog is null)
        {
            return;
        }

        var request = context.Request;
        accessLog.Write(new AccessLogEntry(
            timeProvider.GetUtcNow(),
            id.Value,
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

    private RequestIdentity IdentityOf(IHeaderDictionary headers)
    {
        var given = headers[HopByHopHeaders.RequestId];
        return StringValues.IsNullOrEmpty(given) || string.IsNullOrEmpty(given[0])
            ? new RequestIdentity(requestIds.Next(), FromClient: false)
            : new RequestIdentity(given[0]!, FromClient: true);
    }

    private static async Task<long> RespondAsync(HttpContext context, int status, byte[] body, RequestIdentity id)
    {
        if (context.Response.HasStarted || context.RequestAborted.IsCancellationRequested)
        {
            return 0;
        }

        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "text/plain; charset=utf-8";
        response.ContentLength = body.Length;
        response.Headers[HopByHopHeaders.RequestId] = id.Value;
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
