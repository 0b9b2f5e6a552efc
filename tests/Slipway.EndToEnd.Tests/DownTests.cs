using System.Text.Json;
using Slipway.EndToEnd.Tests.Harness;

namespace Slipway.EndToEnd.Tests;

/// <summary><c>slipway down</c> leaves nothing running, however the server ended, and starts nothing on the way.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class DownTests
{
    [Fact]
    public async Task Down_after_the_server_was_killed_with_sigkill_leaves_nothing_running_and_starts_nothing()
    {
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "v1", Strategies.Rolling, replicas: 2));
        var status = await cluster.WaitForStatusAsync("web", s => s.Phase == "Healthy" && s.Revisions.Sum(r => r.Ready) == 2, "v1 healthy");
        var instances = status.Revisions.SelectMany(r => r.Instances).ToList();
        var ports = instances.Select(i => int.Parse(i.Endpoint.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var routerPidFile = Path.Combine(cluster.DataDirectory, "router", "router.pid");
        var routerPid = int.Parse(await File.ReadAllTextAsync(routerPidFile), System.Globalization.CultureInfo.InvariantCulture);

        await cluster.KillServerAsync();
        // While no server runs, an instance crashes; and the router's pid file is gone, as when the server is killed
        // between starting the router and writing it.
        var crashed = instances[0];
        await KillGroupAsync(crashed.Pid);
        await Eventually.WaitAsync(() => Task.FromResult(IsAlive(crashed.Pid)), alive => !alive, TimeSpan.FromSeconds(10), "the crashed instance gone");
        File.Delete(routerPidFile);

        var (exit, stdout, stderr) = await cluster.CliAsync("down");

        Assert.True(exit == 0, stderr);
        Assert.Equal("stopped 2 instances and the router\n", stdout);
        Assert.Empty(ProcessTable.Using(cluster.DataDirectory));
        Assert.False(IsAlive(routerPid), "the router still runs");
        Assert.All(instances, i => Assert.False(IsAlive(i.Pid), $"instance {i.Id} still runs"));
        Assert.All([cluster.RouterPort, cluster.AdminPort, .. ports], port => Assert.True(ProcessTable.PortIsFree(port), $"port {port} is still taken"));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(cluster.DataDirectory, "instances")));

        // The crashed instance was not started again on the way: the sample says "listening" each time it starts.
        var log = Directory.EnumerateFiles(Path.Combine(cluster.DataDirectory, "logs"), crashed.Id + ".log", SearchOption.AllDirectories).Single();
        Assert.Single(File.ReadLines(log), l => l.Contains("listening", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_server_started_while_down_runs_refuses_to_start_and_one_started_after_runs()
    {
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "v1", Strategies.Rolling, replicas: 1, extraEnv: "\n    - name: IGNORE_SIGTERM\n      value: \"true\""));
        await cluster.WaitForStatusAsync("web", s => s.Phase == "Healthy", "v1 healthy");
        await cluster.KillServerAsync();

        // The instance ignores SIGTERM: down waits out its grace period (5 s), time enough for a server to try.
        using var down = cluster.StartCli("down");
        await Eventually.WaitAsync(
            () => Task.FromResult(File.Exists(Path.Combine(cluster.DataDirectory, "server.pid")) ? File.ReadAllText(Path.Combine(cluster.DataDirectory, "server.pid")) : ""),
            text => text.Trim() == $"{down.Id} down",
            TimeSpan.FromSeconds(30),
            "down holding the data directory");
        var (exit, _, stderr) = await cluster.CliAsync(
            "server", "--api", $"127.0.0.1:{cluster.ApiPort}", "--router-listen", $"127.0.0.1:{cluster.RouterPort}", "--router-admin", $"127.0.0.1:{cluster.AdminPort}");
        Assert.Equal(1, exit);
        Assert.Contains($"`slipway down` (pid {down.Id}) is stopping every instance and the router of {cluster.DataDirectory}", stderr);

        await down.WaitForExitAsync();
        Assert.Equal(0, down.ExitCode);
        Assert.Equal("stopped 1 instance and the router\n", await down.StandardOutput.ReadToEndAsync());
        Assert.Empty(ProcessTable.Using(cluster.DataDirectory));

        await cluster.StartServerAsync(); // once down has finished
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return !stat.Split(") ")[^1].StartsWith('Z');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>SIGKILL to the process group of <paramref name="pid"/>, as a crash of the instance and its children.</summary>
    private static async Task KillGroupAsync(int pid)
    {
        using var kill = System.Diagnostics.Process.Start("kill", ["-s", "KILL", "--", $"-{pid}"])!;
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }
}
