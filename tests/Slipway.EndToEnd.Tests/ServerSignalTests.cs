using Slipway.EndToEnd.Tests.Harness;
using Slipway.Server;

namespace Slipway.EndToEnd.Tests;

/// <summary><c>slipway server</c> stopped the ways an operator or a service manager stops it.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class ServerSignalTests
{
    [Theory]
    [InlineData("TERM", false)] // kill, systemctl stop
    [InlineData("INT", true)] // Ctrl-C in its terminal
    public async Task Server_stops_cleanly_with_exit_code_0_and_leaves_the_router_serving(string signal, bool group)
    {
        var data = Path.Combine(Path.GetTempPath(), "slipway-e2e-" + Guid.NewGuid().ToString("N")[..10]);
        var ports = FreePorts.Take(3);
        var (api, router, admin) = (ports[0], ports[1], ports[2]);
        try
        {
            await using var server = CliProcess.Start("server", "--data", data, "--api", $"127.0.0.1:{api}", "--router-listen", $"127.0.0.1:{router}", "--router-admin", $"127.0.0.1:{admin}");
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            await Eventually.WaitAsync(
                async () => server.HasExited || (await http.GetAsync($"http://127.0.0.1:{api}/healthz")).IsSuccessStatusCode,
                ok => ok,
                TimeSpan.FromSeconds(60),
                "the server's /healthz");
            Assert.False(server.HasExited, server.Stderr);

            Assert.True(await server.SignalAsync(signal, group));
            Assert.True(await server.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"still running after SIG{signal}:\n{server.Stdout}\n{server.Stderr}");
            Assert.True(server.ExitCode == 0, $"exit code {server.ExitCode}:\n{server.Stdout}\n{server.Stderr}");
            Assert.DoesNotContain("Exception", server.Stdout + server.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", server.Stdout + server.Stderr, StringComparison.Ordinal);

            // By design the data plane outlives the server: the router still answers.
            Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync($"http://127.0.0.1:{router}/")).StatusCode);
        }
        finally
        {
            await DataPlane.StopAllAsync(data, CancellationToken.None);
            Directory.Delete(data, recursive: true);
        }
    }
}
