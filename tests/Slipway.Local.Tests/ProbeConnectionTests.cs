using Slipway.Core.Spec;
using Slipway.Local.Tests.Support;

namespace Slipway.Local.Tests;

/// <summary>
/// HTTP probes against a real server process (Support/keepalive-server.pl, a tiny HTTP/1.1 server that logs each
/// connection it accepts, and on SIGTERM waits for its open connections to close, as many servers do): one kept-alive
/// connection serves probe after probe, and it is closed before the instance is told to stop, so it never holds the
/// instance's graceful shutdown open until the grace period runs out.
/// </summary>
public sealed class ProbeConnectionTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Server = "keepalive-server.pl";

    private static readonly ProbeSet ReadinessEverySecond =
        new(null, new ProbeSpec(new HttpGetAction("/healthz", null), PeriodSeconds: 1), null);

    private readonly SupervisorHarness _harness = new(output);

    public Task InitializeAsync()
    {
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Support", Server), Path.Combine(_harness.WorkDirectory, Server));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task Http_probes_reuse_one_connection_from_period_to_period()
    {
        var instance = _harness.Supervisor.Start(KeepAliveServer("reuse-1"));
        await _harness.WaitReadyAsync(instance);

        await Eventually.TrueAsync(() => Count(instance, "request /healthz") >= 6, "six probes");

        Assert.Equal(1, Count(instance, "accepted"));
    }

    [Fact]
    public async Task A_stopping_instance_is_not_kept_waiting_for_its_probe_connection()
    {
        var instance = _harness.Supervisor.Start(KeepAliveServer("stop-1"));
        await _harness.WaitReadyAsync(instance);
        await Eventually.TrueAsync(() => Count(instance, "request /healthz") >= 2, "a kept-alive probe connection");

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await _harness.Supervisor.StopAsync(instance, timeout.Token);

        // Not "killed by SIGKILL after the grace period (30s)": the server saw its last connection close and exited.
        Assert.Equal("stopped: exited on SIGTERM", instance.Status.LastExit);
        Assert.Contains("every connection closed; exiting", File.ReadAllText(instance.LogPath));
    }

    private InstanceSpec KeepAliveServer(string id) =>
        new("probes", "dev", 1, id, _harness.WorkDirectory, "perl", [Server],
            new Dictionary<string, string>(), ReadinessEverySecond, TerminationGracePeriod: TimeSpan.FromSeconds(30));

    private static int Count(Instance instance, string line) =>
        File.Exists(instance.LogPath) ? File.ReadLines(instance.LogPath).Count(l => l == line) : 0;
}
