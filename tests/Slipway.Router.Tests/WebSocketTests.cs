using System.Net;
using System.Net.WebSockets;
using System.Text;
using Slipway.Router.Tests.Infrastructure;

namespace Slipway.Router.Tests;

public sealed class WebSocketTests
{
    [Fact]
    public async Task A_websocket_echoes_through_the_router()
    {
        await using var backend = await TestBackend.StartAsync("ws");
        await using var router = await RouterHarness.StartAsync(RouterHarness.Table(1, new BackendGroup("1", 100, [backend.Address])));

        using var socket = new ClientWebSocket();
        socket.Options.Proxy = null;
        var uri = new UriBuilder(router.Addresses.Listen) { Scheme = "ws", Path = "/ws" }.Uri;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await socket.ConnectAsync(uri, timeout.Token);

        var buffer = new byte[1024];
        for (var i = 0; i < 5; i++)
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes($"hello {i}"), WebSocketMessageType.Text, true, timeout.Token);
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            Assert.Equal($"ws:hello {i}", Encoding.UTF8.GetString(buffer, 0, result.Count));
        }

        Assert.Equal(1, (await router.StateAsync()).GetProperty("inflight").GetProperty(backend.Address).GetInt32());
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
        Assert.Equal(WebSocketState.Closed, socket.State);
        await Eventually.TrueAsync(async () => (await router.StateAsync()).GetProperty("inflight").GetProperty(backend.Address).GetInt32() == 0,
            "the tunnel ends and its endpoint is idle");

        // One access log line for the whole tunnel: 101, and every byte sent to the client after it — five text
        // frames of 12 bytes ("ws:hello i" and a 2-byte header) and the backend's close frame of 7.
        await Eventually.TrueAsync(() => File.Exists(router.AccessLogPath) && File.ReadAllLines(router.AccessLogPath).Length == 1, "the tunnel's access log line");
        var line = System.Text.Json.JsonDocument.Parse(File.ReadAllLines(router.AccessLogPath)[0]).RootElement;
        Assert.Equal("/ws", line.GetProperty("path").GetString());
        Assert.Equal(101, line.GetProperty("status").GetInt32());
        Assert.Equal(5 * 12 + 7, line.GetProperty("bytesSent").GetInt64());
    }

    [Fact]
    public async Task A_websocket_silent_for_longer_than_the_backend_timeout_is_closed_and_its_endpoint_freed()
    {
        await using var backend = await TestBackend.StartAsync("ws");
        await using var router = await RouterHarness.StartAsync(
            RouterHarness.Table(1, new BackendGroup("1", 100, [backend.Address])),
            // Long enough for the first echo on a saturated machine (500 ms was not, once), short against the deadline.
            options => options with { BackendTimeout = TimeSpan.FromSeconds(2) });

        using var socket = new ClientWebSocket();
        socket.Options.Proxy = null;
        // No keep-alive pings from the client: the tunnel is really silent.
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await socket.ConnectAsync(new UriBuilder(router.Addresses.Listen) { Scheme = "ws", Path = "/ws" }.Uri, timeout.Token);
        await socket.SendAsync(Encoding.UTF8.GetBytes("hello"), WebSocketMessageType.Text, true, timeout.Token);
        var buffer = new byte[1024];
        var reply = await socket.ReceiveAsync(buffer, timeout.Token);
        Assert.Equal("ws:hello", Encoding.UTF8.GetString(buffer, 0, reply.Count));

        // A silent tunnel would otherwise hold its endpoint in flight for ever, and the server could never drain it.
        var ended = await Record.ExceptionAsync(async () => await socket.ReceiveAsync(buffer, timeout.Token));
        Assert.False(timeout.IsCancellationRequested, "the router closed the silent tunnel");
        Assert.True(ended is WebSocketException || socket.State is WebSocketState.CloseReceived or WebSocketState.Closed or WebSocketState.Aborted,
            $"the tunnel ended ({ended?.GetType().Name}, {socket.State})");
        await Eventually.TrueAsync(async () => (await router.StateAsync()).GetProperty("inflight").GetProperty(backend.Address).GetInt32() == 0,
            "the silent tunnel's endpoint is idle");
    }

    [Fact]
    public async Task A_refused_upgrade_relays_the_backend_response()
    {
        await using var backend = await TestBackend.StartAsync("plain");
        await using var router = await RouterHarness.StartAsync(RouterHarness.Table(1, new BackendGroup("1", 100, [backend.Address])));

        // /not-ws does not accept the upgrade: the backend answers 200 with its name, which must reach the client.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/not-ws");
        request.Headers.Connection.Add("Upgrade");
        request.Headers.Upgrade.Add(new System.Net.Http.Headers.ProductHeaderValue("websocket"));
        using var response = await router.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("plain", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_request_for_another_upgrade_than_websocket_is_forwarded_as_a_plain_request()
    {
        await using var backend = await TestBackend.StartAsync("plain");
        await using var router = await RouterHarness.StartAsync(RouterHarness.Table(1, new BackendGroup("1", 100, [backend.Address])));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/h2c");
        request.Headers.Connection.Add("Upgrade");
        request.Headers.Upgrade.Add(new System.Net.Http.Headers.ProductHeaderValue("h2c"));
        using var response = await router.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("plain", await response.Content.ReadAsStringAsync());
        var received = Assert.Single(backend.Received);
        Assert.False(received.Headers.ContainsKey("Upgrade"));
    }
}
