using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Slipway.Router.Routing;

namespace Slipway.Router.Forwarding;

/// <summary>
/// Forwards one HTTP request to one endpoint over the shared connection pool and relays the response, streaming
/// both bodies. Every failure comes back as a <see cref="ForwardResult"/>; the caller decides between retry and an
/// error response.
/// </summary>
internal sealed class HttpForwarder(HttpMessageInvoker invoker, ForwardCancellationPool cancellations, TimeSpan timeout)
{
    private const int ResponseBufferSize = 64 * 1024;

    private static readonly UriCreationOptions VerbatimPath = new() { DangerousDisablePathAndQueryCanonicalization = true };

    public async Task<ForwardResult> ForwardAsync(HttpContext context, BackendEndpoint endpoint, RequestIdentity id, byte[]? bufferedBody)
    {
        endpoint.Enter();
        var cancellation = cancellations.Rent(context.RequestAborted, timeout);
        HttpRequestMessage? request = null;
        HttpResponseMessage? response = null;
        try
        {
            request = CreateRequest(context, endpoint, id, bufferedBody, cancellation);
            try
            {
                response = await invoker.SendAsync(request, cancellation.Token).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                return ForwardResult.Failed(Classify(e, context, request.Content as StreamingRequestContent, cancellation));
            }

            return await RelayResponseAsync(context, response, id, cancellation).ConfigureAwait(false);
        }
        finally
        {
            response?.Dispose();
            request?.Dispose();
            cancellations.Return(cancellation);
            endpoint.Exit();
        }
    }

    /// <summary>
    /// The request to send to <paramref name="endpoint"/>: same method and target, headers minus hop-by-hop ones,
    /// forwarding headers set, body streamed from the client (or taken from <paramref name="bufferedBody"/>).
    /// </summary>
    public static HttpRequestMessage CreateRequest(
        HttpContext context, BackendEndpoint endpoint, RequestIdentity id, byte[]? bufferedBody, ForwardCancellation? activity)
    {
        var source = context.Request;
        var message = new HttpRequestMessage(MethodOf(source.Method), new Uri(endpoint.BaseUrl + TargetOf(context), VerbatimPath))
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };

        if (bufferedBody is not null)
        {
            message.Content = new ByteArrayContent(bufferedBody);
        }
        else if (activity is not null && context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true)
        {
            message.Content = new StreamingRequestContent(source.Body, activity);
        }

        var headers = source.Headers;
        var connectionListed = HopByHopHeaders.ConnectionListed(headers.Connection);
        foreach (var header in headers)
        {
            var action = HopByHopHeaders.ForRequest(header.Key);
            if (action != RequestHeaderAction.Copy || (connectionListed is not null && connectionListed.Contains(header.Key)))
            {
                continue;
            }

            AddRequestHeader(message, header.Key, header.Value);
        }

        var clientAddress = context.Connection.RemoteIpAddress?.ToString();
        var forwardedFor = headers[HopByHopHeaders.ForwardedFor];
        if (clientAddress is not null)
        {
            message.Headers.TryAddWithoutValidation(HopByHopHeaders.ForwardedFor,
                StringValues.IsNullOrEmpty(forwardedFor) ? clientAddress : string.Join(", ", forwardedFor.ToString(), clientAddress));
        }
        else if (!StringValues.IsNullOrEmpty(forwardedFor))
        {
            message.Headers.TryAddWithoutValidation(HopByHopHeaders.ForwardedFor, forwardedFor.ToString());
        }

        if (source.Host.HasValue)
        {
            message.Headers.TryAddWithoutValidation(HopByHopHeaders.ForwardedHost, source.Host.Value);
        }

        message.Headers.TryAddWithoutValidation(HopByHopHeaders.ForwardedProto, source.Scheme);
        if (!id.FromClient)
        {
            message.Headers.TryAddWithoutValidation(HopByHopHeaders.RequestId, id.Value);
        }

        return message;
    }

    /// <summary>Path and query as the client sent them, so the backend sees exactly the same target.</summary>
    public static string TargetOf(HttpContext context)
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

    private async Task<ForwardResult> RelayResponseAsync(
        HttpContext context, HttpResponseMessage response, RequestIdentity id, ForwardCancellation cancellation)
    {
        var client = context.Response;
        client.StatusCode = (int)response.StatusCode;
        var headers = client.Headers;
        CopyResponseHeaders(response.Headers, headers);
        CopyResponseHeaders(response.Content.Headers, headers);
        headers[HopByHopHeaders.RequestId] = id.Value;

        Stream body;
        try
        {
            body = await response.Content.ReadAsStreamAsync(cancellation.Token).ConfigureAwait(false);
        }
        catch (Exception)
        {
            return ForwardResult.Failed(context.RequestAborted.IsCancellationRequested ? ForwarderError.ClientAborted : ForwarderError.BackendFailed);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(ResponseBufferSize);
        long sent = 0;
        try
        {
            while (true)
            {
                int read;
                try
                {
                    read = await body.ReadAsync(buffer, cancellation.Token).ConfigureAwait(false);
                }
                catch (Exception)
                {
                    if (context.RequestAborted.IsCancellationRequested)
                    {
                        return new ForwardResult(ForwarderError.ClientAborted, sent);
                    }

                    // The status line may already be on the wire: the only honest signal left is a broken connection.
                    if (client.HasStarted)
                    {
                        context.Abort();
                    }

                    return new ForwardResult(ForwarderError.ResponseBodyFailed, sent);
                }

                if (read == 0)
                {
                    if (!client.HasStarted)
                    {
                        await client.StartAsync(context.RequestAborted).ConfigureAwait(false);
                    }

                    return new ForwardResult(ForwarderError.None, sent);
                }

                cancellation.Touch();
                try
                {
                    await client.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted).ConfigureAwait(false);
                }
                catch (Exception)
                {
                    return new ForwardResult(ForwarderError.ClientAborted, sent);
                }

                sent += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static ForwarderError Classify(Exception e, HttpContext context, StreamingRequestContent? content, ForwardCancellation cancellation)
    {
        if (context.RequestAborted.IsCancellationRequested)
        {
            return ForwarderError.ClientAborted;
        }

        if (content is { ClientFailed: true })
        {
            return ForwarderError.RequestBodyFailed;
        }

        if (e is OperationCanceledException)
        {
            // Our token fired and the client is still there: the backend timeout. Otherwise the handler's own
            // ConnectTimeout cancelled the connect.
            return cancellation.IsCancellationRequested ? ForwarderError.Timeout : ForwarderError.ConnectFailed;
        }

        if (e is HttpRequestException http)
        {
            switch (http.HttpRequestError)
            {
                case HttpRequestError.ConnectionError:
                case HttpRequestError.NameResolutionError:
                    return ForwarderError.ConnectFailed;
                case HttpRequestError.ResponseEnded:
                    return ForwarderError.NoResponse;
            }

            for (var inner = http.InnerException; inner is not null; inner = inner.InnerException)
            {
                if (inner is SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.ConnectionAborted })
                {
                    return ForwarderError.NoResponse;
                }
            }
        }

        return ForwarderError.BackendFailed;
    }

    private static void AddRequestHeader(HttpRequestMessage message, string name, StringValues values)
    {
        if (values.Count == 1)
        {
            var value = values.ToString();
            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                (message.Content ??= EmptyContent()).Headers.TryAddWithoutValidation(name, value);
            }

            return;
        }

        IEnumerable<string?> all = values;
        if (!message.Headers.TryAddWithoutValidation(name, all))
        {
            (message.Content ??= EmptyContent()).Headers.TryAddWithoutValidation(name, all);
        }
    }

    // Content headers of a bodiless request (Content-Type on an empty POST) need a content object to live on.
    private static ByteArrayContent EmptyContent() => new([]);

    private static void CopyResponseHeaders(HttpHeaders source, IHeaderDictionary destination)
    {
        foreach (var header in source.NonValidated)
        {
            if (HopByHopHeaders.SkipInResponse(header.Key))
            {
                continue;
            }

            var values = header.Value;
            if (values.Count == 1)
            {
                destination[header.Key] = values.ToString();
            }
            else
            {
                // Kept as separate values: Set-Cookie must not be joined with commas.
                var array = new string[values.Count];
                var i = 0;
                foreach (var value in values)
                {
                    array[i++] = value;
                }

                destination[header.Key] = array;
            }
        }
    }

    private static HttpMethod MethodOf(string method)
    {
        // Kestrel interns the common methods, so these comparisons are reference checks.
        if (HttpMethods.IsGet(method))
        {
            return HttpMethod.Get;
        }

        if (HttpMethods.IsPost(method))
        {
            return HttpMethod.Post;
        }

        if (HttpMethods.IsPut(method))
        {
            return HttpMethod.Put;
        }

        if (HttpMethods.IsDelete(method))
        {
            return HttpMethod.Delete;
        }

        if (HttpMethods.IsHead(method))
        {
            return HttpMethod.Head;
        }

        if (HttpMethods.IsPatch(method))
        {
            return HttpMethod.Patch;
        }

        if (HttpMethods.IsOptions(method))
        {
            return HttpMethod.Options;
        }

        return HttpMethods.IsTrace(method) ? HttpMethod.Trace : new HttpMethod(method);
    }
}
