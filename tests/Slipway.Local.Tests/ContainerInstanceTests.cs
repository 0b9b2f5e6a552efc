using Slipway.Core.Spec;
using Slipway.Local.Containers;
using Slipway.Local.Tests.Support;

namespace Slipway.Local.Tests;

/// <summary>
/// Instances of an image: containers through the real Docker Engine, with the guarantees of processes — serving on
/// $PORT, probed (exec probes inside the container), restarted with backoff, stopped gracefully and removed, their
/// output in the instance's log, and left serving when the controller goes away, to be adopted by the next one.
/// </summary>
public sealed class ContainerInstanceTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly ProbeSet RootReadiness = new(null, new ProbeSpec(new HttpGetAction("/", null), PeriodSeconds: 1, TimeoutSeconds: 2), null);

    private PinnedImage _image = null!;
    private SupervisorHarness _harness = null!;

    public async Task InitializeAsync()
    {
        _image = await PinnedImage.PushBusyboxAsync();
        _harness = new SupervisorHarness(output, docker: _image.Engine);
    }

    public async Task DisposeAsync()
    {
        await _harness.DisposeAsync();
        await _image.DisposeAsync();
    }

    [Fact]
    public async Task An_image_instance_serves_on_its_port_logs_to_its_file_and_is_removed_when_stopped()
    {
        var instance = _harness.Supervisor.Start(SupervisorHarness.Image("box-1", _image.Reference.ToString(), RootReadiness));
        await _harness.WaitReadyAsync(instance);

        Assert.Equal("ok\n", await _harness.Http.GetStringAsync($"http://{instance.Endpoint}/index.html"));
        var containers = await ContainersOfAsync("box-1");
        var container = Assert.Single(containers);
        Assert.Equal(("shop", "dev", "1"), (container.Labels[ContainerRuntime.AppLabel], container.Labels[ContainerRuntime.EnvironmentLabel], container.Labels[ContainerRuntime.RevisionLabel]));

        // httpd -v logs each response on stderr: the engine's log stream is appended to the instance's own log.
        await Eventually.TrueAsync(() => File.Exists(instance.LogPath) && File.ReadAllText(instance.LogPath).Contains("response:200", StringComparison.Ordinal), "the response in the instance's log");

        await _harness.Supervisor.StopAsync(instance, CancellationToken.None);
        Assert.Equal(InstancePhase.Stopped, instance.Status.Phase);
        Assert.Empty(await ContainersOfAsync("box-1"));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_harness.DataDirectory, "instances")));
    }

    [Fact]
    public async Task An_exec_probe_runs_inside_the_container()
    {
        // /www/index.html exists in the image, not on this machine: only a probe run inside the container passes.
        var inside = new ProbeSet(null, new ProbeSpec(new ExecAction(["test", "-f", "/www/index.html"]), PeriodSeconds: 1), null);
        var ready = _harness.Supervisor.Start(SupervisorHarness.Image("box-exec", _image.Reference.ToString(), inside));
        await _harness.WaitReadyAsync(ready);

        var missing = new ProbeSet(null, new ProbeSpec(new ExecAction(["test", "-f", "/www/missing.html"]), PeriodSeconds: 1), null);
        var never = _harness.Supervisor.Start(SupervisorHarness.Image("box-noexec", _image.Reference.ToString(), missing));
        await Eventually.AlwaysAsync(() => never.Status is { Ready: false }, "a failing exec probe keeps it unready", TimeSpan.FromSeconds(3));
        Assert.Equal(InstancePhase.Running, never.Status.Phase);
    }

    [Fact]
    public async Task A_container_that_exits_is_restarted_with_backoff_and_reported_crash_looping()
    {
        var instance = _harness.Supervisor.Start(SupervisorHarness.Image("box-crash", _image.Reference.ToString(), ProbeSet.None, command: "sh", args: ["-c", "echo giving up; exit 3"]));

        await Eventually.TrueAsync(() => instance.Status is { Phase: InstancePhase.CrashLoopBackOff, Restarts: >= 2 }, $"crash looping (now {instance.Status})");
        Assert.Equal("exit code 3", instance.Status.LastExit);
        await Eventually.TrueAsync(() => File.ReadAllText(instance.LogPath).Contains("giving up", StringComparison.Ordinal), "its output in its log");

        // Each incarnation's container is removed once it has exited: at most the current one is left.
        Assert.True((await ContainersOfAsync("box-crash")).Count <= 1);
    }

    [Fact]
    public async Task Containers_keep_serving_when_the_supervisor_goes_and_the_next_one_adopts_them()
    {
        var first = _harness.Supervisor;
        var instance = first.Start(SupervisorHarness.Image("box-adopt", _image.Reference.ToString(), RootReadiness));
        await _harness.WaitReadyAsync(instance);
        var container = Assert.Single(await ContainersOfAsync("box-adopt")).Id;

        await first.DisposeAsync();
        Assert.Equal("ok\n", await _harness.Http.GetStringAsync($"http://{instance.Endpoint}/index.html"));

        var second = _harness.NewSupervisor();
        var adopted = Assert.Single(await second.AdoptAllAsync(CancellationToken.None));
        Assert.Equal((instance.Port, 0, true), (adopted.Port, adopted.Status.Restarts, adopted.Status.Ready));
        Assert.Equal(container, Assert.Single(await ContainersOfAsync("box-adopt")).Id);

        // Killed behind the supervisor's back: seen through the engine, restarted as a new container on the same port.
        await _image.Engine.Containers.KillAsync(container, "SIGKILL", CancellationToken.None);
        await Eventually.TrueAsync(() => adopted.Status is { Restarts: 1, Ready: true }, $"restarted and ready (now {adopted.Status})");
        Assert.NotEqual(container, Assert.Single(await ContainersOfAsync("box-adopt")).Id);
        Assert.Equal(instance.Port, adopted.Port);
    }

    [Fact]
    public async Task Stopping_everything_without_a_supervisor_stops_and_removes_the_containers()
    {
        var instance = _harness.Supervisor.Start(SupervisorHarness.Image("box-down", _image.Reference.ToString(), RootReadiness));
        await _harness.WaitReadyAsync(instance);
        await _harness.Supervisor.DisposeAsync();

        var stopped = await InstanceShutdown.StopAllAsync(_harness.DataDirectory, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, CancellationToken.None, _image.Engine);

        Assert.Equal(1, stopped);
        Assert.Empty(await ContainersOfAsync("box-down"));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_harness.DataDirectory, "instances")));
    }

    private async Task<IReadOnlyList<Docker.Containers.ContainerSummary>> ContainersOfAsync(string instanceId) =>
        await _image.Engine.Containers.ListAsync(new Dictionary<string, string> { [ContainerRuntime.InstanceLabel] = instanceId }, CancellationToken.None);
}
