using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Slipway.Router.Routing;

namespace Slipway.Router.Forwarding;

/// <summary>
/// Passes an HTTP/1.1 upgrade (WebSocket or any <c>Connection: Upgrade</c>) through to an endpoint: a fresh TCP
/// connection, the request head written by hand, the backend's response head relayed, and — on 101 — bytes piped
/// both ways until either side closes. A backend that refuses the upgrade gets its response relayed as usual.
/// </summary>
internal sealed class UpgradeTunnel(TimeSpan connectTimeout, TimeSpan responseTimeout, TimeProvider timeProvider)
{
    private const int MaxResponseHead = 64 * 1024;
    private const int BufferSize = 16 * 1024;

    public static bool IsUpgrade(HttpContext context) =>
        context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true };

    public async Task<ForwardResult> ForwardAsync(HttpContext context, BackendEndpoint endpoint, RequestIdentity id)
    {
        endpoint.Enter();
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using (var connect = StartDeadline(connectTimeout, context.RequestAborted))
            {
                try
                {
                    await socket.ConnectAsync(new DnsEndPoint(endpoint.Host, endpoint.Port), connect.Token).ConfigureAwait(false);
                }
                catch (Exception)
                {
                    return ForwardResult.Failed(context.RequestAborted.IsCancellationRequested ? ForwarderError.ClientAborted : ForwarderError.ConnectFailed);
                }
            }

            await using var upstream = new NetworkStream(socket, ownsSocket: false);
            ResponseHead? head;
            using (var wait = StartDeadline(responseTimeout, context.RequestAborted))
            {
                try
                {
                    await upstream.WriteAsync(BuildRequestHead(context, endpoint, id), wait.Token).ConfigureAwait(false);
                    head = await ResponseHead.ReadAsync(upstream, MaxResponseHead, wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return ForwardResult.Failed(context.RequestAborted.IsCancellationRequested ? ForwarderError.ClientAborted : ForwarderError.Timeout);
                }
                catch (IOException)
                {
                    return ForwardResult.Failed(ForwarderError.NoResponse);
                }
                catch (InvalidDataException)
                {
                    return ForwardResult.Failed(ForwarderError.BackendFailed);
                }
            }

            if (head is null)
            {
                return ForwardResult.Failed(ForwarderError.NoResponse);
            }

            var response = context.Response;
            response.StatusCode = head.StatusCode;
            foreach (var (name, value) in head.Headers)
            {
                if (!HopByHopHeaders.SkipInResponse(name) || (head.StatusCode == StatusCodes.Status101SwitchingProtocols && name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase)))
                {
                    response.Headers.Append(name, value);
                }
            }

            response.Headers[HopByHopHeaders.RequestId] = id.Value;

            if (head.StatusCode != StatusCodes.Status101SwitchingProtocols)
            {
                return await RelayRefusalAsync(context, upstream, head).ConfigureAwait(false);
            }

            var client = await context.Features.Get<IHttpUpgradeFeature>()!.UpgradeAsync().ConfigureAwait(false);
            long sent = head.Leftover.Length;
            if (!head.Leftover.IsEmpty)
            {
                await client.WriteAsync(head.Leftover, context.RequestAborted).ConfigureAwait(false);
            }

            sent += await PipeAsync(client, upstream, socket).ConfigureAwait(false);
            return new ForwardResult(ForwarderError.None, sent);
        }
        finally
        {
            socket.Dispose();
            endpoint.Exit();
        }
    }

    private Deadline StartDeadline(TimeSpan delay, CancellationToken clientAborted) => new(delay, timeProvider, clientAborted);

    /// <summary>Copies both ways until one side closes, then closes the other. Returns bytes sent to the client.</summary>
    private static async Task<long> PipeAsync(Stream client, NetworkStream upstream, Socket socket)
    {
        using var stop = new CancellationTokenSource();
        var toBackend = CopyAsync(client, upstream, stop.Token);
        var toClient = CopyAsync(upstream, client, stop.Token);
        await Task.WhenAny(toBackend, toClient).ConfigureAwait(false);

        // One side is done; the WebSocket close handshake already happened in-band, so closing both is safe.
        await stop.CancelAsync().ConfigureAwait(false);
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }

        try
        {
            await Task.WhenAll(toBackend, toClient).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Either copy ending by cancellation or reset is the normal way a tunnel ends.
        }

        return toClient.IsCompletedSuccessfully ? toClient.Result : 0;
    }

    private static async Task<long> CopyAsync(Stream from, Stream to, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        long total = 0;
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer, ct).ConfigureAwait(false);
                if (read == 0)
                {
                    return total;
                }

                await to.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
                await to.FlushAsync(ct).ConfigureAwait(false);
                total += read;
            }
        }
        catch (Exception)
        {
            // Cancellation, reset or close: each ends this direction of the tunnel.
            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The backend said no to the upgrade (401, 404, …): relay its response body like any other.</summary>
    private static async Task<ForwardResult> RelayRefusalAsync(HttpContext context, NetworkStream upstream, ResponseHead head)
    {
        var reader = new HeadBodyReader(upstream, head.Leftover);
        var client = context.Response.Body;
        var ct = context.RequestAborted;
        long sent = 0;
        try
        {
            var noBody = HttpMethods.IsHead(context.Request.Method) || head.StatusCode is 204 or 304 || head.StatusCode < 200;
            if (noBody)
            {
                return new ForwardResult(ForwarderError.None, 0);
            }

            if (head.IsChunked)
            {
                context.Response.Headers.ContentLength = null;
                while (true)
                {
                    var sizeLine = await reader.ReadLineAsync(ct).ConfigureAwait(false);
                    var semicolon = sizeLine.IndexOf(';');
                    var size = long.Parse(semicolon < 0 ? sizeLine : sizeLine[..semicolon], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    if (size == 0)
                    {
                        return new ForwardResult(ForwarderError.None, sent);
                    }

                    sent += await reader.CopyAsync(client, size, ct).ConfigureAwait(false);
                    await reader.ReadLineAsync(ct).ConfigureAwait(false);
                }
            }

            sent += await reader.CopyAsync(client, head.ContentLength ?? long.MaxValue, ct).ConfigureAwait(false);
            return new ForwardResult(ForwarderError.None, sent);
        }
        catch (Exception e) when (e is IOException or FormatException or OverflowException or OperationCanceledException or InvalidDataException)
        {
            if (ct.IsCancellationRequested)
            {
                return new ForwardResult(ForwarderError.ClientAborted, sent);
            }

            if (context.Response.HasStarted)
            {
                context.Abort();
            }

            return new ForwardResult(ForwarderError.ResponseBodyFailed, sent);
        }
    }

    private static byte[] BuildRequestHead(HttpContext context, BackendEndpoint endpoint, RequestIdentity id)
    {
        var request = context.Request;
        var head = new StringBuilder(1024);
        head.Append(request.Method).Append(' ').Append(HttpForwarder.TargetOf(context)).Append(" HTTP/1.1\r\n");
        head.Append("Host: ").Append(endpoint.Address).Append("\r\n");

        var connectionListed = HopByHopHeaders.ConnectionListed(request.Headers.Connection);
        foreach (var header in request.Headers)
        {
            if (HopByHopHeaders.ForRequest(header.Key) != RequestHeaderAction.Copy
                || (connectionListed is not null && connectionListed.Contains(header.Key)))
            {
                continue;
            }

            foreach (var value in header.Value)
            {
                head.Append(header.Key).Append(": ").Append(value).Append("\r\n");
            }
        }

        // The two hop-by-hop headers that make this an upgrade are the point of the request: restate them.
        head.Append("Connection: Upgrade\r\n");
        head.Append("Upgrade: ").Append(request.Headers.Upgrade.ToString()).Append("\r\n");

        var forwardedFor = request.Headers[HopByHopHeaders.ForwardedFor].ToString();
        var clientAddress = context.Connection.RemoteIpAddress?.ToString();
        if (clientAddress is not null)
        {
            forwardedFor = forwardedFor.Length == 0 ? clientAddress : forwardedFor + ", " + clientAddress;
        }

        if (forwardedFor.Length > 0)
        {
            head.Append(HopByHopHeaders.ForwardedFor).Append(": ").Append(forwardedFor).Append("\r\n");
        }

        if (request.Host.HasValue)
        {
            head.Append(HopByHopHeaders.ForwardedHost).Append(": ").Append(request.Host.Value).Append("\r\n");
        }

        head.Append(HopByHopHeaders.ForwardedProto).Append(": ").Append(request.Scheme).Append("\r\n");
        if (!id.FromClient)
        {
            head.Append(HopByHopHeaders.RequestId).Append(": ").Append(id.Value).Append("\r\n");
        }

        head.Append("\r\n");
        return Encoding.Latin1.GetBytes(head.ToString());
    }

    /// <summary>Cancels when <c>delay</c> passes on the router's clock or when the client aborts.</summary>
    private sealed class Deadline : IDisposable
    {
        private readonly CancellationTokenSource _timer;
        private readonly CancellationTokenSource _linked;

        public Deadline(TimeSpan delay, TimeProvider timeProvider, CancellationToken clientAborted)
        {
            _timer = new CancellationTokenSource(delay, timeProvider);
            _linked = CancellationTokenSource.CreateLinkedTokenSource(_timer.Token, clientAborted);
        }

        public CancellationToken Token => _linked.Token;

        public void Dispose()
        {
            _linked.Dispose();
            _timer.Dispose();
        }
    }
}
