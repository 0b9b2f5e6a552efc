using Slipway.EndToEnd.Tests.Harness;

namespace Slipway.EndToEnd.Tests;

[Collection(EndToEndCollection.Name)]
public sealed class CanaryRoutingTests
{
    [Fact]
    public async Task Header_route_sends_every_matching_request_to_the_canary_and_mirrored_requests_reach_it_while_clients_see_stable()
    {
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "v1", Strategies.HeaderAndMirror, replicas: 2));
        await cluster.WaitForStatusAsync("web", s => s.Phase == "Healthy", "v1 healthy");
        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "v2", Strategies.HeaderAndMirror, replicas: 2));
        var paused = await cluster.WaitForStatusAsync("web", s => s.Phase == "Paused", "header route and mirror set");
        Assert.Equal("beta", paused.HeaderRoute?.Name);
        Assert.Equal(50, paused.MirrorPercent);

        // The router picks up a new table within a moment of the status changing.
        var header = new Dictionary<string, string> { ["X-Canary"] = "yes" };
        await Eventually.WaitAsync(() => RolloutUnderLoadTests.VersionAtAsync(cluster, "web.dev.localhost", header), v => v == "v2", TimeSpan.FromSeconds(10), "the header route in the router");
        var matching = await RolloutUnderLoadTests.VersionsAsync(cluster, "web.dev.localhost", 200, header);
        Assert.All(matching, v => Assert.Equal("v2", v));

        var before = await CanaryMirroredCountAsync(cluster);
        var plain = await RolloutUnderLoadTests.VersionsAsync(cluster, "web.dev.localhost", 400);
        Assert.All(plain, v => Assert.Equal("v1", v));

        // The canary itself counts the mirrored copies it received.
        var after = await Eventually.WaitAsync(() => CanaryMirroredCountAsync(cluster), n => n - before >= 150, TimeSpan.FromSeconds(20), "mirrored requests at the canary");
        Assert.InRange(after - before, 150, 250);
    }

    [Fact]
    public async Task A_revision_that_never_becomes_ready_gets_no_traffic_and_its_rollout_aborts_at_the_progress_deadline()
    {
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "v1", Strategies.Canary, replicas: 2, progressDeadlineSeconds: 8));
        await cluster.WaitForStatusAsync("web", s => s.Phase == "Healthy", "v1 healthy");

        await using var load = new LoadGenerator(cluster.RouterPort, "web.dev.localhost", 100).Start();
        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "v2", Strategies.Canary, replicas: 2, progressDeadlineSeconds: 8,
            extraEnv: "\n    - name: NEVER_READY\n      value: \"true\""));
        var degraded = await cluster.WaitForStatusAsync("web", s => s.Phase == "Degraded", "aborted at the progress deadline", seconds: 90);
        Assert.Equal("ProgressDeadlineExceeded", degraded.Reason);
        Assert.Equal(100, degraded.Weights.Stable);
        await cluster.WaitForStatusAsync("web", s => s.Revisions.All(r => r.Number == 1), "canary scaled down");
        await load.WaitForMoreAsync(100, TimeSpan.FromSeconds(30));
        Assert.True(load.Failed == 0, load.Summary());
        Assert.False(load.Versions.ContainsKey("v2"), load.Summary());
    }

    private static async Task<long> CanaryMirroredCountAsync(SlipwayCluster cluster)
    {
        var status = await cluster.StatusAsync("web");
        long total = 0;
        using var http = new HttpClient();
        foreach (var instance in status.Revisions.Single(r => r.Role == "canary").Instances)
        {
            var stats = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync($"http://{instance.Endpoint}/stats"));
            total += stats.RootElement.GetProperty("mirrored").GetInt64();
        }

        return total;
    }
}
