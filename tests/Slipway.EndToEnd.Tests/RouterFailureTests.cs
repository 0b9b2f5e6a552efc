using System.Globalization;
using Slipway.EndToEnd.Tests.Harness;
using Slipway.Server.Api;
using Xunit.Abstractions;

namespace Slipway.EndToEnd.Tests;

/// <summary>
/// The router is a process of its own: when it dies, the server starts it again from the table it
/// wrote, and the instances are not touched — same processes, no restart, same rollout step.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class RouterFailureTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Router_killed_mid_canary_is_restarted_by_the_server_and_serves_the_same_weights_from_the_same_instances()
    {
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "v1", Strategies.Canary));
        await cluster.WaitForStatusAsync("web", s => s.Phase == "Healthy", "v1 healthy");
        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "v2", Strategies.Canary));
        var before = await cluster.WaitForStatusAsync("web", s => s.Phase == "Paused" && s.CurrentStepIndex == 1 && s.Revisions.Sum(r => r.Ready) == 4, "paused at 10 %");

        var routerPid = RouterPid(cluster);
        await KillAsync(routerPid);
        await Eventually.WaitAsync(() => Task.FromResult(RouterPid(cluster)), pid => pid != routerPid && IsRunning(pid), TimeSpan.FromSeconds(60), "a new router started by the server");
        // Until it listens, connections are refused: the one gap in serving, documented.
        await Eventually.WaitAsync(() => RolloutUnderLoadTests.VersionAtAsync(cluster, "web.dev.localhost"), v => v is not null, TimeSpan.FromSeconds(60), "the new router serving");

        // Served again, by the same instances with the same weights (one request in ten to v2).
        await using (var load = new LoadGenerator(cluster.RouterPort, "web.dev.localhost").Start())
        {
            await load.WaitForMoreAsync(400, TimeSpan.FromSeconds(60));
            await load.DisposeAsync();
            output.WriteLine(load.Summary());
            Assert.True(load.Failed == 0, load.Summary());
            Assert.True(load.Versions.GetValueOrDefault("v2") > 0 && load.Versions.GetValueOrDefault("v1") > 5 * load.Versions.GetValueOrDefault("v2"), load.Summary());
        }

        var after = await cluster.StatusAsync("web");
        Assert.Equal("Paused", after.Phase);
        Assert.Equal(before.CurrentStepIndex, after.CurrentStepIndex);
        Assert.Equal(before.Weights, after.Weights);
        Assert.Equal(Instances(before), Instances(after)); // same pids, same restart counts
    }

    [Fact]
    public async Task With_the_server_and_the_router_killed_the_instances_keep_running_and_a_restarted_server_brings_the_router_back()
    {
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "v1", Strategies.Canary));
        var before = await cluster.WaitForStatusAsync("web", s => s.Phase == "Healthy" && s.Revisions.Sum(r => r.Ready) == 3, "v1 healthy");

        await cluster.KillServerAsync();
        await KillAsync(RouterPid(cluster));
        foreach (var instance in before.Revisions.SelectMany(r => r.Instances))
        {
            Assert.True(IsRunning(instance.Pid), $"instance {instance.Id} died with the control plane");
            using var direct = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            Assert.True((await direct.GetAsync($"http://{instance.Endpoint}/")).IsSuccessStatusCode, $"instance {instance.Id} does not serve on its own port");
        }

        await cluster.StartServerAsync();
        await using var load = new LoadGenerator(cluster.RouterPort, "web.dev.localhost").Start();
        await load.WaitForMoreAsync(300, TimeSpan.FromSeconds(60));
        await load.DisposeAsync();
        output.WriteLine(load.Summary());
        Assert.True(load.Failed == 0, load.Summary());
        Assert.Equal(Instances(before), Instances(await cluster.StatusAsync("web")));
    }

    private static int RouterPid(SlipwayCluster cluster) =>
        int.Parse(File.ReadAllText(Path.Combine(cluster.DataDirectory, "router", "router.pid")), CultureInfo.InvariantCulture);

    private static bool IsRunning(int pid) =>
        File.Exists($"/proc/{pid}/stat") && !File.ReadAllText($"/proc/{pid}/stat").Split(") ")[^1].StartsWith('Z');

    private static async Task KillAsync(int pid)
    {
        System.Diagnostics.Process.GetProcessById(pid).Kill();
        await Eventually.WaitAsync(() => Task.FromResult(IsRunning(pid)), running => !running, TimeSpan.FromSeconds(30), $"process {pid} gone");
    }

    private static string Instances(StatusView status) =>
        string.Join(", ", status.Revisions.SelectMany(r => r.Instances).Select(i => $"{i.Id} pid {i.Pid} restarts {i.Restarts}").Order());
}
