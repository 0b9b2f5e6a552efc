using System.Net;
using System.Net.WebSockets;
using System.Text;
using Slipway.Local.Tests.Support;

namespace Slipway.Local.Tests;

/// <summary>The sample service, run under the supervisor as tests and the demo run it.</summary>
public sealed class SampleServiceTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly SupervisorHarness _harness = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task Serves_its_endpoints_with_the_configured_version_errors_and_latency()
    {
        var instance = _harness.Supervisor.Start(SupervisorHarness.Sample(
            "sample-1", new Dictionary<string, string> { ["VERSION"] = "v9", ["ERROR_RATE"] = "1", ["LATENCY_MS"] = "300" }));
        await _harness.WaitReadyAsync(instance);
        var baseUri = $"http://{instance.Endpoint}";

        var watch = System.Diagnostics.Stopwatch.StartNew();
        using (var root = await _harness.Http.GetAsync(baseUri + "/"))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, root.StatusCode);
            Assert.Equal("v9", Assert.Single(root.Headers.GetValues("X-Version")));
            Assert.Contains("\"version\":\"v9\"", await root.Content.ReadAsStringAsync());
        }

        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(290), $"answered in {watch.Elapsed}");

        using (var slow = await _harness.Http.GetAsync(baseUri + "/slow?ms=10"))
        {
            Assert.Equal(HttpStatusCode.OK, slow.StatusCode);
        }

        var payload = new string('x', 200_000);
        using (var echo = await _harness.Http.PostAsync(baseUri + "/echo", new StringContent(payload, Encoding.UTF8, "text/plain")))
        {
            Assert.Equal(payload, await echo.Content.ReadAsStringAsync());
        }

        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://{instance.Endpoint}/ws"), CancellationToken.None);
        await socket.SendAsync("ping"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        var buffer = new byte[64];
        var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
        Assert.Equal("ping", Encoding.UTF8.GetString(buffer, 0, received.Count));
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);

        Assert.Contains($"slipway-sample version=v9 listening on http://127.0.0.1:{instance.Port}", await File.ReadAllTextAsync(instance.LogPath));
    }
}
