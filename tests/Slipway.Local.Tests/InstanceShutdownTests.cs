using Microsoft.Extensions.Logging.Abstractions;
using Slipway.Local.Processes;
using Slipway.Local.State;
using Slipway.Local.Tests.Support;

namespace Slipway.Local.Tests;

/// <summary>
/// What <c>slipway down</c> does to the instances once no server runs: it stops every process of every recorded
/// instance — those the record knows, those it does not, and their children — and starts none, not even an instance
/// that died while no supervisor ran.
/// </summary>
public sealed class InstanceShutdownTests(ITestOutputHelper output) : IAsyncLifetime
{
    // Says so in its log each time it starts; a child in the background, in its process group, outlives nothing.
    private const string Script = "echo started; sleep 300 & wait";

    private readonly SupervisorHarness _harness = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task Every_process_of_every_recorded_instance_is_stopped_and_none_is_started()
    {
        var running = await StartAsync("running");
        var dead = await StartAsync("dead");
        var unrecorded = await StartAsync("unrecorded");
        await _harness.Supervisor.DisposeAsync(); // the server is gone; its instances run on

        // One instance died while no supervisor ran; another's pid was never recorded (the server was killed between
        // starting it and saving its pid).
        PosixSignals.SignalGroup(dead.Status.Pid, PosixSignals.SigKill);
        await Eventually.TrueAsync(() => ProcStat.GroupMembers(dead.Status.Pid).Count == 0, "the dead instance's processes gone");
        var store = new InstanceStateStore(Path.Combine(_harness.DataDirectory, "instances"), NullLogger.Instance);
        var record = store.LoadAll().Single(r => r.Spec.InstanceId == "unrecorded");
        store.Save(record with { Pid = 0, ProcessStartTime = 0, ProcessStartedAt = null, Started = false });

        var stopped = await InstanceShutdown.StopAllAsync(_harness.DataDirectory, TimeProvider.System, NullLogger.Instance, CancellationToken.None);

        Assert.Equal(3, stopped);
        foreach (var instance in new[] { running, dead, unrecorded })
        {
            Assert.Empty(ProcStat.GroupMembers(instance.Status.Pid));
            Assert.Empty(ProcEnvironment.FindProcesses(new Dictionary<string, string> { ["SLIPWAY_INSTANCE"] = instance.Spec.InstanceId }));
            Assert.False(Directory.Exists(instance.WorkingDirectory));
        }

        // Nothing was started on the way: the dead instance's log says it started once, when the server started it.
        Assert.Single(File.ReadLines(dead.LogPath), l => l == "started");
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_harness.DataDirectory, "instances")));
    }

    private async Task<Instance> StartAsync(string id)
    {
        var instance = _harness.Supervisor.Start(_harness.Shell(id, Script));
        await Eventually.TrueAsync(
            () => instance.Status.Pid != 0 && File.Exists(instance.LogPath) && File.ReadLines(instance.LogPath).Contains("started")
                && ProcStat.GroupMembers(instance.Status.Pid).Count == 2,
            $"{id} started with its child");
        return instance;
    }
}
