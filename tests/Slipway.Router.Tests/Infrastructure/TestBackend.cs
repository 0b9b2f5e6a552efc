using System.Collections.Concurrent;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Slipway.Router.Tests.Infrastructure;

/// <summary>
/// A real Kestrel backend on a loopback port that answers with its own name and records what it received.
/// Paths: <c>/slow</c> waits for <see cref="ReleaseSlow"/>; <c>/sleep?ms=N</c>; <c>/status?code=N</c> answers that status; <c>/echo</c> streams the body back;
/// <c>/sha256</c> answers length:hash of the body; <c>/download?bytes=N</c>; <c>/ws</c> is a WebSocket echo; anything else answers the name.
/// </summary>
internal sealed class TestBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TaskCompletionSource _slowGate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _slowWaiting;

    private TestBackend(string name, WebApplication app)
    {
        Name = name;
        _app = app;
    }

    public string Name { get; }

    /// <summary><c>127.0.0.1:port</c>, as the router table lists endpoints.</summary>
    public string Address { get; private set; } = "";

    public ConcurrentQueue<ReceivedRequest> Received { get; } = new();

    public int Count => Received.Count;

    public int SlowWaiting => Volatile.Read(ref _slowWaiting);

    public void ReleaseSlow() => _slowGate.TrySetResult();

    public static async Task<TestBackend> StartAsync(string name)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = null;
            k.Listen(System.Net.IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        var backend = new TestBackend(name, app);
        app.UseWebSockets();
        app.Run(backend.HandleAsync);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        backend.Address = $"127.0.0.1:{address.Port}";
        return backend;
    }

    public async ValueTask DisposeAsync()
    {
        ReleaseSlow();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        Received.Enqueue(new ReceivedRequest(
            request.Method,
            request.Path.Value ?? "",
            request.QueryString.Value ?? "",
            request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
        context.Response.Headers["X-Backend"] = Name;

        switch (request.Path.Value)
        {
            case "/slow":
                Interlocked.Increment(ref _slowWaiting);
                await _slowGate.Task;
                Interlocked.Decrement(ref _slowWaiting);
                await context.Response.WriteAsync(Name);
                return;
            case "/status":
                context.Response.StatusCode = int.Parse(request.Query["code"]!);
                await context.Response.WriteAsync(Name);
                return;
            case "/sleep":
                await Task.Delay(int.Parse(request.Query["ms"]!), context.RequestAborted);
                await context.Response.WriteAsync(Name);
                return;
            case "/sha256":
                // Reads the whole body before answering: an HTTP/1.1 client sends its whole body before it reads.
                using (var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256))
                {
                    var buffer = new byte[64 * 1024];
                    long length = 0;
                    int read;
                    while ((read = await request.Body.ReadAsync(buffer)) > 0)
                    {
                        sha.AppendData(buffer, 0, read);
                        length += read;
                    }

                    await context.Response.WriteAsync($"{length}:{Convert.ToHexStringLower(sha.GetHashAndReset())}");
                }

                return;
            case "/echo":
                context.Response.ContentType = request.ContentType ?? "application/octet-stream";
                await request.Body.CopyToAsync(context.Response.Body);
                return;
            case "/download":
                var total = long.Parse(request.Query["bytes"]!);
                context.Response.ContentLength = total;
                var chunk = Pattern(64 * 1024);
                for (long written = 0; written < total; written += chunk.Length)
                {
                    await context.Response.Body.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, total - written)));
                }

                return;
            case "/ws" when context.WebSockets.IsWebSocketRequest:
                using (var socket = await context.WebSockets.AcceptWebSocketAsync())
                {
                    var buffer = new byte[4096];
                    while (true)
                    {
                        var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                        if (result.MessageType == WebSocketMessageType.Close)
                        {
                            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                            return;
                        }

                        var text = System.Text.Encoding.UTF8.GetString(buffer, 0, result.Count);
                        var reply = System.Text.Encoding.UTF8.GetBytes($"{Name}:{text}");
                        await socket.SendAsync(reply, WebSocketMessageType.Text, true, CancellationToken.None);
                    }
                }

            default:
                context.Response.ContentType = "text/plain";
                await context.Response.WriteAsync(Name);
                return;
        }
    }

    /// <summary>Deterministic bytes, so a relayed body can be checked without keeping a copy.</summary>
    public static byte[] Pattern(int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(i * 31 % 251);
        }

        return bytes;
    }
}

internal sealed record ReceivedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers);
