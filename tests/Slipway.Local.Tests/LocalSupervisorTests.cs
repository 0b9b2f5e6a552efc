using Slipway.Local.Processes;
using Slipway.Local.Tests.Support;

namespace Slipway.Local.Tests;

public sealed class LocalSupervisorTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly SupervisorHarness _harness = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task Two_sample_instances_become_ready_and_answer_on_their_own_ports()
    {
        var supervisor = _harness.Supervisor;
        var first = supervisor.Start(SupervisorHarness.Sample("shop-1", new Dictionary<string, string> { ["VERSION"] = "v1" }));
        var second = supervisor.Start(SupervisorHarness.Sample("shop-2", new Dictionary<string, string> { ["VERSION"] = "v1" }));

        await _harness.WaitReadyAsync(first);
        await _harness.WaitReadyAsync(second);

        Assert.NotEqual(first.Port, second.Port);
        foreach (var instance in new[] { first, second })
        {
            var body = await _harness.GetRootAsync(instance);
            Assert.Equal("v1", body.GetProperty("version").GetString());
            // $PORT and SLIPWAY_INSTANCE reached the process.
            Assert.Equal(instance.Spec.InstanceId, body.GetProperty("instance").GetString());
            Assert.Equal($"127.0.0.1:{instance.Port}", instance.Endpoint);
            Assert.NotNull(instance.Status.ReadySince);
            Assert.Equal(0, instance.Status.Restarts);
        }

        Assert.Equal(2, supervisor.Instances.Count);
        Assert.True(File.Exists(Path.Combine(_harness.DataDirectory, "instances", "shop-1.json")));
    }

    [Fact]
    public async Task An_instance_runs_detached_in_its_own_session_and_process_group()
    {
        var instance = _harness.Supervisor.Start(SupervisorHarness.Sample("detached-1"));
        await _harness.WaitReadyAsync(instance);

        var stat = ProcStat.Read(instance.Status.Pid);
        Assert.NotNull(stat);
        Assert.Equal(instance.Status.Pid, stat.ProcessGroupId);
        Assert.Equal(instance.Status.Pid, stat.SessionId);
        Assert.Equal("/dev/null", new FileInfo($"/proc/{stat.Pid}/fd/0").LinkTarget);
        Assert.Equal(instance.LogPath, new FileInfo($"/proc/{stat.Pid}/fd/1").LinkTarget);
        Assert.Equal(instance.LogPath, new FileInfo($"/proc/{stat.Pid}/fd/2").LinkTarget);
    }

    [Fact]
    public async Task Stop_ends_the_instance_gracefully_and_forgets_it()
    {
        var supervisor = _harness.Supervisor;
        var instance = supervisor.Start(SupervisorHarness.Sample("graceful-1", grace: TimeSpan.FromSeconds(20)));
        await _harness.WaitReadyAsync(instance);
        var pid = instance.Status.Pid;
        var phases = new List<InstancePhase>();
        supervisor.Changed += i => { lock (phases) { phases.Add(i.Status.Phase); } };

        await supervisor.StopAsync(instance, CancellationToken.None);

        // The sample honours SIGTERM: it ends within its grace period, not by SIGKILL.
        Assert.Equal("stopped: exited on SIGTERM", instance.Status.LastExit);
        Assert.False(ProcStat.Read(pid) is { IsAlive: true }, $"pid {pid} still alive");
        Assert.Equal(InstancePhase.Stopped, instance.Status.Phase);
        Assert.False(instance.Status.Ready);
        Assert.Contains(InstancePhase.Terminating, phases);
        Assert.Empty(supervisor.Instances);
        Assert.False(File.Exists(Path.Combine(_harness.DataDirectory, "instances", "graceful-1.json")));
        Assert.True(File.Exists(instance.LogPath));
    }

    [Fact]
    public async Task Starting_an_instance_id_twice_is_refused()
    {
        _harness.Supervisor.Start(_harness.Shell("twice-1", "exec sleep 300"));
        Assert.Throws<InvalidOperationException>(() => _harness.Supervisor.Start(_harness.Shell("twice-1", "exec sleep 300")));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Stopping_right_after_starting_leaves_no_process_behind()
    {
        var supervisor = _harness.Supervisor;
        var instances = Enumerable.Range(1, 6).Select(i => supervisor.Start(_harness.Shell($"hasty-{i}", "exec sleep 300"))).ToList();
        for (var i = 0; i < instances.Count; i++)
        {
            // Some stop before the spawn, some while it is under way, some after.
            if (i % 2 == 1)
            {
                await Task.Yield();
            }

            await supervisor.StopAsync(instances[i], CancellationToken.None);
        }

        Assert.All(instances, i => Assert.Equal(InstancePhase.Stopped, i.Status.Phase));
        await Eventually.TrueAsync(() => SupervisorHarness.ProcessesLoggingUnder(_harness.Root).Count == 0, "no process left", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void A_spec_whose_names_would_escape_the_data_directory_is_refused()
    {
        Assert.Throws<ArgumentException>(() => _harness.Supervisor.Start(_harness.Shell("../evil", "true")));
        Assert.Throws<ArgumentException>(() => _harness.Supervisor.Start(_harness.Shell("ok", "true", app: "a/b")));
    }
}
