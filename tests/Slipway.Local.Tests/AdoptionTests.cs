using Microsoft.Extensions.Logging.Abstractions;
using Slipway.Local.Processes;
using Slipway.Local.State;
using Slipway.Local.Tests.Support;

namespace Slipway.Local.Tests;

/// <summary>The controller goes away (disposed, crashed, upgraded): instances keep serving and the next supervisor adopts them.</summary>
public sealed class AdoptionTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly SupervisorHarness _harness = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task Disposing_the_supervisor_leaves_instances_serving_and_the_next_one_adopts_them()
    {
        var first = _harness.Supervisor;
        var instance = first.Start(SupervisorHarness.Sample("adopt-1", new Dictionary<string, string> { ["VERSION"] = "v7" }));
        await _harness.WaitReadyAsync(instance);
        var pid = instance.Status.Pid;
        var port = instance.Port;

        await first.DisposeAsync();

        Assert.True(ProcStat.Read(pid) is { IsAlive: true }, "the instance outlives its supervisor");
        Assert.Equal("v7", (await _harness.GetRootAsync(instance)).GetProperty("version").GetString());

        var second = _harness.NewSupervisor();
        var adopted = Assert.Single(await second.AdoptAllAsync(CancellationToken.None));

        // Same process, same port, and still ready: no restart and no drain.
        Assert.Equal(pid, adopted.Status.Pid);
        Assert.Equal(port, adopted.Port);
        Assert.True(adopted.Status.Ready);
        Assert.Equal(InstancePhase.Ready, adopted.Status.Phase);
        Assert.Equal(0, adopted.Status.Restarts);
        Assert.Same(adopted, Assert.Single(second.Instances));

        // Probing goes on: it stays ready over a few periods.
        await Eventually.AlwaysAsync(() => adopted.Status is { Ready: true, Restarts: 0 } && adopted.Status.Pid == pid, "stays ready", TimeSpan.FromSeconds(2.5));
        Assert.Empty(await second.AdoptAllAsync(CancellationToken.None));

        await second.StopAsync(adopted, CancellationToken.None);
        Assert.Empty(ProcStat.GroupMembers(pid));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_harness.DataDirectory, "instances")));
    }

    [Fact]
    public async Task An_adopted_instance_that_dies_is_restarted_on_its_port()
    {
        var instance = _harness.Supervisor.Start(SupervisorHarness.Sample("adopt-2"));
        await _harness.WaitReadyAsync(instance);
        await _harness.Supervisor.DisposeAsync();

        var second = _harness.NewSupervisor();
        var adopted = Assert.Single(await second.AdoptAllAsync(CancellationToken.None));
        var pid = adopted.Status.Pid;
        PosixSignals.SignalGroup(pid, PosixSignals.SigKill);

        // Not our child: its death is seen through /proc polling, within a poll interval.
        await Eventually.TrueAsync(() => adopted.Status.Restarts == 1, $"a restart (now {adopted.Status})");
        await _harness.WaitReadyAsync(adopted);
        Assert.NotEqual(pid, adopted.Status.Pid);
        Assert.Equal(instance.Port, adopted.Port);
    }

    [Fact]
    public async Task An_instance_that_died_while_no_supervisor_ran_is_restarted_on_adoption()
    {
        var instance = _harness.Supervisor.Start(SupervisorHarness.Sample("adopt-3"));
        await _harness.WaitReadyAsync(instance);
        var pid = instance.Status.Pid;
        await _harness.Supervisor.DisposeAsync();
        PosixSignals.SignalGroup(pid, PosixSignals.SigKill);
        await Eventually.TrueAsync(() => ProcStat.Read(pid) is not { IsAlive: true }, "the process dead");

        var second = _harness.NewSupervisor();
        var adopted = Assert.Single(await second.AdoptAllAsync(CancellationToken.None));

        Assert.False(adopted.Status.Ready);
        Assert.Equal(1, adopted.Status.Restarts);
        await _harness.WaitReadyAsync(adopted);
        Assert.NotEqual(pid, adopted.Status.Pid);
        Assert.Equal(instance.Port, adopted.Port);
    }

    [Fact]
    public async Task A_process_whose_pid_was_never_recorded_is_killed_and_the_instance_restarted_on_its_port()
    {
        var instance = _harness.Supervisor.Start(SupervisorHarness.Sample("adopt-4", new Dictionary<string, string> { ["VERSION"] = "v4" }));
        await _harness.WaitReadyAsync(instance);
        var strayPid = instance.Status.Pid;
        await _harness.Supervisor.DisposeAsync();

        // What the data directory holds when the controller dies between starting the process and saving its pid.
        var store = new InstanceStateStore(Path.Combine(_harness.DataDirectory, "instances"), NullLogger.Instance);
        var record = Assert.Single(store.LoadAll());
        store.Save(record with { Pid = 0, ProcessStartTime = 0, ProcessStartedAt = null, Started = false, Ready = false, ReadySince = null });

        var second = _harness.NewSupervisor();
        var adopted = Assert.Single(await second.AdoptAllAsync(CancellationToken.None));

        // The stray held the port; without it gone, the restarted process could not listen there.
        Assert.Empty(ProcStat.GroupMembers(strayPid));
        await _harness.WaitReadyAsync(adopted);
        Assert.NotEqual(strayPid, adopted.Status.Pid);
        Assert.Equal(instance.Port, adopted.Port);
        Assert.Equal("v4", (await _harness.GetRootAsync(adopted)).GetProperty("version").GetString());
        Assert.Equal([adopted.Status.Pid], ProcEnvironment.FindProcesses(new Dictionary<string, string> { ["SLIPWAY_INSTANCE"] = "adopt-4" }));
    }
}
