using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Slipway.Router.Tests.Infrastructure;

/// <summary>
/// A misbehaving backend on a loopback port, written on raw sockets because a well-behaved HTTP server cannot fail
/// this way on purpose: it reads each request head, then answers as <see cref="RawBehaviour"/> says.
/// </summary>
internal sealed class RawBackend : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly RawBehaviour _behaviour;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly List<TcpClient> _fillers = [];
    private int _requests;

    private RawBackend(TcpListener listener, RawBehaviour behaviour)
    {
        _listener = listener;
        _behaviour = behaviour;
        Address = $"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
        _accepting = behaviour == RawBehaviour.NeverAccepts ? Task.CompletedTask : AcceptLoopAsync();
    }

    /// <summary><c>127.0.0.1:port</c>, as the router table lists endpoints.</summary>
    public string Address { get; }

    /// <summary>Request heads read so far.</summary>
    public int Requests => Volatile.Read(ref _requests);

    public static async Task<RawBackend> StartAsync(RawBehaviour behaviour)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start(behaviour == RawBehaviour.NeverAccepts ? 1 : 64);
        var backend = new RawBackend(listener, behaviour);
        if (behaviour == RawBehaviour.NeverAccepts)
        {
            await backend.FillAcceptQueueAsync();
        }

        return backend;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception)
        {
            // Stopping the listener ends the loop with an exception.
        }

        foreach (var filler in _fillers)
        {
            filler.Dispose();
        }

        _stop.Dispose();
    }

    /// <summary>
    /// Connects until the kernel's accept queue of the never-accepting listener is full: from then on it drops new
    /// connection attempts (SYNs), so a connect hangs until the client's connect timeout.
    /// </summary>
    private async Task FillAcceptQueueAsync()
    {
        for (var i = 0; i < 64; i++)
        {
            var client = new TcpClient();
            using var attempt = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)_listener.LocalEndpoint).Port, attempt.Token);
                _fillers.Add(client);
            }
            catch (OperationCanceledException)
            {
                client.Dispose();
                return;
            }
        }

        throw new InvalidOperationException("the accept queue never filled up");
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            try
            {
                await ReadHeadAsync(stream);
                Interlocked.Increment(ref _requests);
                if (_behaviour == RawBehaviour.DiesMidBody)
                {
                    await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789"), _stop.Token);
                    await stream.FlushAsync(_stop.Token);
                }

                // ClosesBeforeResponse: nothing at all. Either way the connection closes here.
            }
            catch (Exception)
            {
                // The router gave up on this connection first.
            }
        }
    }

    private async Task ReadHeadAsync(NetworkStream stream)
    {
        var head = new StringBuilder();
        var buffer = new byte[4096];
        while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, _stop.Token);
            if (read == 0)
            {
                throw new EndOfStreamException();
            }

            head.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
    }
}

internal enum RawBehaviour
{
    /// <summary>Reads the request, then closes the connection without a byte of response.</summary>
    ClosesBeforeResponse,

    /// <summary>Answers 200 with a Content-Length of 1000, sends 10 bytes of it, then closes the connection.</summary>
    DiesMidBody,

    /// <summary>Listens, but its accept queue is full: connecting to it times out.</summary>
    NeverAccepts,
}
