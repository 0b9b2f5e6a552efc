using Slipway.Local.Tests.Support;

namespace Slipway.Local.Tests;

public sealed class RestartTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly SupervisorHarness _harness = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task A_crashing_instance_is_restarted_with_growing_backoff_and_shows_CrashLoopBackOff()
    {
        var supervisor = _harness.Supervisor;
        var spawns = new List<DateTime>();
        var phases = new List<InstancePhase>();
        var lastPid = 0;
        supervisor.Changed += i =>
        {
            lock (spawns)
            {
                phases.Add(i.Status.Phase);
                if (i.Status.Pid != 0 && i.Status.Pid != lastPid)
                {
                    lastPid = i.Status.Pid;
                    spawns.Add(DateTime.UtcNow);
                }
            }
        };

        var instance = supervisor.Start(_harness.Shell("crasher-1", "echo started; exit 3"));

        await Eventually.TrueAsync(() => instance.Status.Restarts >= 4, $"4 restarts (now {instance.Status})");
        await Eventually.TrueAsync(() => instance.Status.Phase == InstancePhase.CrashLoopBackOff, "CrashLoopBackOff");
        Assert.Equal("exit code 3", instance.Status.LastExit);
        Assert.False(instance.Status.Ready);

        lock (spawns)
        {
            Assert.Contains(InstancePhase.CrashLoopBackOff, phases);
            // 200 ms, 400 ms, 800 ms …: each wait is longer than the one before the previous.
            var gaps = spawns.Zip(spawns.Skip(1), (a, b) => b - a).ToList();
            output.WriteLine("gaps between spawns: " + string.Join(", ", gaps.Select(g => g.TotalMilliseconds)));
            Assert.True(gaps.Count >= 3);
            Assert.True(gaps[2] > gaps[0], "backoff grows");
            Assert.True(gaps[0] >= TimeSpan.FromMilliseconds(150), "the first restart waits the initial backoff");
        }
    }

    [Fact]
    public async Task A_crashed_sample_is_restarted_on_the_same_port_and_becomes_ready_again()
    {
        var spec = SupervisorHarness.Sample("crash-later-1", new Dictionary<string, string> { ["CRASH_AFTER_SECONDS"] = "2" });
        var instance = _harness.Supervisor.Start(spec);
        await _harness.WaitReadyAsync(instance);
        var firstPid = instance.Status.Pid;

        await Eventually.TrueAsync(() => instance.Status.Restarts >= 1, $"a restart (now {instance.Status})");
        await _harness.WaitReadyAsync(instance);

        Assert.NotEqual(firstPid, instance.Status.Pid);
        Assert.Equal("exit code 1", instance.Status.LastExit);
        Assert.Equal(instance.Spec.InstanceId, (await _harness.GetRootAsync(instance)).GetProperty("instance").GetString());
    }

    [Fact]
    public async Task A_command_that_cannot_start_crash_loops_and_says_why()
    {
        var spec = _harness.Shell("missing-1", "unused") with { Command = "/nonexistent/app", Args = [] };
        var instance = _harness.Supervisor.Start(spec);

        await Eventually.TrueAsync(() => instance.Status.Restarts >= 2, $"restarts (now {instance.Status})");
        // The shell wrapper reports exec failures as exit code 127, and writes why to the log.
        Assert.Equal("exit code 127", instance.Status.LastExit);
        Assert.Contains("/nonexistent/app", await File.ReadAllTextAsync(instance.LogPath));
    }

    [Fact]
    public async Task Ready_drops_as_soon_as_the_process_dies()
    {
        var instance = _harness.Supervisor.Start(SupervisorHarness.Sample("killed-1"));
        await _harness.WaitReadyAsync(instance);
        var readyLost = new TaskCompletionSource<InstanceStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        _harness.Supervisor.Changed += i =>
        {
            if (!i.Status.Ready)
            {
                readyLost.TrySetResult(i.Status);
            }
        };

        Processes.PosixSignals.SignalProcess(instance.Status.Pid, Processes.PosixSignals.SigKill);

        var status = await readyLost.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("killed by SIGKILL", status.LastExit);
        await _harness.WaitReadyAsync(instance);
        Assert.Equal(1, instance.Status.Restarts);
    }
}
