using Slipway.Core.Spec;
using Slipway.Local.Tests.Support;

namespace Slipway.Local.Tests;

public sealed class ProbeTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly SupervisorHarness _harness = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task A_never_ready_instance_runs_and_serves_but_is_never_Ready()
    {
        var instance = _harness.Supervisor.Start(SupervisorHarness.Sample("never-1", new Dictionary<string, string> { ["NEVER_READY"] = "true" }));

        await Eventually.TrueAsync(() => instance.Status.Phase == InstancePhase.Running, "Running");
        await Eventually.TrueAsync(async () => await TryGetAsync(instance), "the process answers on its port");
        // Several readiness periods (1 s) go by without it turning ready.
        await Eventually.AlwaysAsync(() => instance.Status is { Ready: false, Phase: InstancePhase.Running, Restarts: 0 }, "stays Running, not Ready", TimeSpan.FromSeconds(4));
    }

    [Fact]
    public async Task A_slow_starter_becomes_ready_once_its_readiness_probe_passes()
    {
        var instance = _harness.Supervisor.Start(SupervisorHarness.Sample("slow-1", new Dictionary<string, string> { ["STARTUP_DELAY_SECONDS"] = "3" }));

        await Eventually.TrueAsync(async () => await TryGetAsync(instance), "the process answers on its port");
        Assert.False(instance.Status.Ready);
        await _harness.WaitReadyAsync(instance);
    }

    [Fact]
    public async Task A_failing_liveness_probe_restarts_the_instance()
    {
        // Implicit (TCP) readiness passes; the liveness probe on /healthz never does.
        var probes = new ProbeSet(null, null, new ProbeSpec(new HttpGetAction("/healthz", null), InitialDelaySeconds: 1, PeriodSeconds: 1, FailureThreshold: 2));
        var instance = _harness.Supervisor.Start(SupervisorHarness.Sample("unlive-1", new Dictionary<string, string> { ["NEVER_READY"] = "true" }, probes));
        await _harness.WaitReadyAsync(instance);
        var firstPid = instance.Status.Pid;

        await Eventually.TrueAsync(() => instance.Status.Restarts >= 1, $"a restart (now {instance.Status})");

        Assert.Equal("liveness probe failed", instance.Status.LastExit);
        await Eventually.TrueAsync(() => instance.Status.Pid is not 0 && instance.Status.Pid != firstPid, "a new process");
    }

    [Fact]
    public async Task A_failing_startup_probe_restarts_the_instance_and_gates_readiness()
    {
        var probes = new ProbeSet(
            new ProbeSpec(new HttpGetAction("/healthz", null), PeriodSeconds: 1, FailureThreshold: 2),
            new ProbeSpec(new TcpSocketAction(null), PeriodSeconds: 1),
            null);
        var instance = _harness.Supervisor.Start(SupervisorHarness.Sample("unstarted-1", new Dictionary<string, string> { ["NEVER_READY"] = "true" }, probes));

        await Eventually.TrueAsync(() => instance.Status.Restarts >= 1, $"a restart (now {instance.Status})");

        Assert.Equal("startup probe failed", instance.Status.LastExit);
        Assert.False(instance.Status.Ready);
    }

    [Fact]
    public async Task An_exec_probe_runs_in_the_working_directory_with_the_instance_environment()
    {
        var probes = new ProbeSet(null, new ProbeSpec(new ExecAction(["/bin/sh", "-c", "test \"$SLIPWAY_INSTANCE\" = exec-1 && test -n \"$PORT\" && test -f ready-marker"]), PeriodSeconds: 1), null);
        var instance = _harness.Supervisor.Start(_harness.Shell("exec-1", "exec sleep 300", probes));

        await Eventually.TrueAsync(() => instance.Status.Phase == InstancePhase.Running, "Running");
        Assert.False(instance.Status.Ready);

        // The instance's working directory is its own copy of the artifact.
        await File.WriteAllTextAsync(Path.Combine(instance.WorkingDirectory, "ready-marker"), "");

        await _harness.WaitReadyAsync(instance);
    }

    private async Task<bool> TryGetAsync(Instance instance)
    {
        try
        {
            using var response = await _harness.Http.GetAsync($"http://{instance.Endpoint}/");
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
