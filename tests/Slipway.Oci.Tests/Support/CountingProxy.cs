using System.Net.Sockets;

namespace Slipway.Oci.Tests.Support;

/// <summary>
/// A TCP proxy on a loopback port of this suite's range, in front of a registry, counting every byte a client sends
/// through it: an independent measure of what a promotion sent (requests, headers and bodies), which the client's
/// own accounting cannot fake. A client speaks to <c>127.0.0.1:PROXYPORT</c> as to another registry.
/// </summary>
internal sealed class CountingProxy : IAsyncDisposable
{
    private readonly TcpListener listener;
    private readonly int upstreamPort;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task accepting;
    private readonly List<Task> connections = [];
    private long sent;

    public CountingProxy(int upstreamPort)
    {
        this.upstreamPort = upstreamPort;
        listener = LoopbackPorts.Listen();
        accepting = AcceptAsync();
    }

    public int Port => ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;

    public string Address => $"127.0.0.1:{Port}";

    /// <summary>Bytes clients sent to the registry through the proxy since it started (or since <see cref="Reset"/>).</summary>
    public long BytesSent => Interlocked.Read(ref sent);

    public void Reset() => Interlocked.Exchange(ref sent, 0);

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        Task[] open;
        lock (connections)
        {
            open = [.. connections];
        }

        await Task.WhenAll(open.Append(accepting).Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        listener.Dispose();
        stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (connections)
            {
                connections.Add(RelayAsync(client));
            }
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        using (var upstream = new TcpClient())
        {
            try
            {
                await upstream.ConnectAsync("127.0.0.1", upstreamPort, stopping.Token);
                using var done = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
                var toUpstream = PumpAsync(client.GetStream(), upstream.GetStream(), count: true, done.Token);
                var toClient = PumpAsync(upstream.GetStream(), client.GetStream(), count: false, done.Token);
                await Task.WhenAny(toUpstream, toClient);
                await done.CancelAsync();
                await Task.WhenAll(toUpstream, toClient).ContinueWith(_ => { }, TaskScheduler.Default);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or IOException)
            {
            }
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool count, CancellationToken ct)
    {
        var buffer = new byte[65536];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, ct)) > 0)
            {
                if (count)
                {
                    Interlocked.Add(ref sent, read);
                }

                await to.WriteAsync(buffer.AsMemory(0, read), ct);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
        }
    }
}
