using System.Diagnostics;
using Slipway.Local.Processes;
using Slipway.Local.Tests.Support;

namespace Slipway.Local.Tests;

public sealed class StopTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly SupervisorHarness _harness = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task An_instance_ignoring_SIGTERM_is_killed_after_the_grace_period_with_its_grandchildren()
    {
        var grace = TimeSpan.FromSeconds(2);
        var spec = SupervisorHarness.Sample(
            "stubborn-1",
            new Dictionary<string, string> { ["IGNORE_SIGTERM"] = "true" },
            grace: grace,
            // A grandchild in the background: it must not survive the stop either. It ignores
            // SIGTERM too, so only the group SIGKILL can end it.
            shellPrefix: "(trap '' TERM; exec sleep 300) &");
        var instance = _harness.Supervisor.Start(spec);
        await _harness.WaitReadyAsync(instance);
        var pgid = instance.Status.Pid;
        _harness.TrackGroup(pgid);
        var members = ProcStat.GroupMembers(pgid);
        Assert.True(members.Count >= 2, $"expected the sample and its sleeping grandchild in group {pgid}, found {members.Count}");

        var watch = Stopwatch.StartNew();
        await _harness.Supervisor.StopAsync(instance, CancellationToken.None);

        Assert.True(watch.Elapsed >= grace - TimeSpan.FromMilliseconds(100), $"stopped after {watch.Elapsed}, before the grace period");
        Assert.StartsWith("stopped: killed by SIGKILL after the grace period", instance.Status.LastExit);
        await Eventually.TrueAsync(() => ProcStat.GroupMembers(pgid).Count == 0, $"every process of group {pgid} gone", TimeSpan.FromSeconds(10));
        Assert.Equal(InstancePhase.Stopped, instance.Status.Phase);
    }

    [Fact]
    public async Task Cancelling_a_stop_cuts_the_grace_period_short()
    {
        var spec = SupervisorHarness.Sample("impatient-1", new Dictionary<string, string> { ["IGNORE_SIGTERM"] = "true" }, grace: TimeSpan.FromSeconds(60));
        var instance = _harness.Supervisor.Start(spec);
        await _harness.WaitReadyAsync(instance);
        var pid = instance.Status.Pid;

        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _harness.Supervisor.StopAsync(instance, cancel.Token));

        Assert.Equal("stopped: killed by SIGKILL, the stop was cancelled before the grace period ended", instance.Status.LastExit);
        Assert.Empty(ProcStat.GroupMembers(pid));
        Assert.Equal(InstancePhase.Stopped, instance.Status.Phase);
        Assert.Empty(_harness.Supervisor.Instances);
    }
}
