using Slipway.EndToEnd.Tests.Harness;
using Xunit.Abstractions;

namespace Slipway.EndToEnd.Tests;

/// <summary>
/// Images run by the local target, under continuous load (GET and POST): a canary from one image revision to another,
/// an abort, a retry, the promotion and an undo end with zero failed requests; the controller killed with SIGKILL
/// mid-canary leaves the containers serving, and the next one re-adopts them.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ImageRolloutTests(SampleImages images, ITestOutputHelper output) : IClassFixture<SampleImages>
{
    [Fact]
    public async Task A_canary_between_two_images_aborted_retried_promoted_and_undone_fails_no_request()
    {
        await using var cluster = new SlipwayCluster();
        await StartAsync(cluster);
        await cluster.ApplyAsync(SlipwayCluster.ImageSpec("web", images.V1, Strategies.Canary));
        await cluster.WaitForStatusAsync("web", s => s.Phase == "Healthy" && s.StableRevision == 1, "v1 healthy");

        await using var load = new LoadGenerator(cluster.RouterPort, "web.dev.localhost").Start();
        await load.WaitForMoreAsync(300, TimeSpan.FromSeconds(30));
        await cluster.ApplyAsync(SlipwayCluster.ImageSpec("web", images.V2, Strategies.Canary));
        await cluster.WaitForStatusAsync("web", s => s.Phase == "Paused" && s.CurrentStepIndex == 1, "v2 paused at 10 %");
        await Eventually.WaitAsync(() => RolloutUnderLoadTests.VersionsAsync(cluster, "web.dev.localhost", 100), v => v.Contains("v2") && v.Contains("v1"), TimeSpan.FromSeconds(20), "both images answering");

        await cluster.CommandAsync("web", "abort");
        await cluster.WaitForStatusAsync("web", s => s.Phase == "Degraded" && s.Weights.Canary == 0, "aborted: all traffic on v1");
        await cluster.CommandAsync("web", "retry");
        await cluster.WaitForStatusAsync("web", s => s.Phase == "Paused" && s.CurrentStepIndex == 1, "retried, paused at 10 % again");
        await cluster.CommandAsync("web", "promote");
        await cluster.WaitForStatusAsync("web", s => s.Phase == "Healthy" && s.StableRevision == 2 && s.Revisions.Count == 1, "v2 promoted, v1 gone");

        // Undo goes back to revision 1 — the same template, the same pinned digest — as a rollout of its own.
        await cluster.CommandAsync("web", "undo");
        await cluster.WaitForStatusAsync("web", s => s.Phase == "Healthy" && s.StableRevision == 1 && s.DesiredRevision == 1 && s.Revisions.Count == 1, "back on v1's image");
        await Eventually.WaitAsync(() => RolloutUnderLoadTests.VersionsAsync(cluster, "web.dev.localhost", 50), v => v.All(x => x == "v1"), TimeSpan.FromSeconds(20), "every request on v1");
        await load.WaitForMoreAsync(300, TimeSpan.FromSeconds(30));
        output.WriteLine(load.Summary());
        Assert.True(load.Posts > 0, load.Summary());
        Assert.True(load.Failed == 0, load.Summary());
    }

    [Fact]
    public async Task Containers_keep_serving_when_the_controller_is_killed_mid_canary_and_are_re_adopted()
    {
        await using var cluster = new SlipwayCluster();
        await StartAsync(cluster);
        await cluster.ApplyAsync(SlipwayCluster.ImageSpec("api", images.V1, Strategies.Canary));
        await cluster.WaitForStatusAsync("api", s => s.Phase == "Healthy", "v1 healthy");

        await using var load = new LoadGenerator(cluster.RouterPort, "api.dev.localhost").Start();
        await cluster.ApplyAsync(SlipwayCluster.ImageSpec("api", images.V2, Strategies.Canary));
        var before = await cluster.WaitForStatusAsync("api", s => s.Phase == "Paused" && s.CurrentStepIndex == 1 && s.Revisions.Sum(r => r.Ready) == 4, "paused at 10 %");

        await cluster.KillServerAsync();
        await load.WaitForMoreAsync(600, TimeSpan.FromSeconds(30)); // traffic with no controller at all
        Assert.True(load.Failed == 0, load.Summary());

        await StartAsync(cluster);
        var after = await cluster.WaitForStatusAsync("api", s => s.Revisions.Sum(r => r.Ready) == 4, "containers re-adopted");
        Assert.Equal(("Paused", before.CurrentStepIndex, before.Weights), (after.Phase, after.CurrentStepIndex, after.Weights));
        Assert.Equal(Pids(before), Pids(after)); // the same containers' processes: re-adopted, not restarted

        await cluster.CommandAsync("api", "promote");
        await cluster.WaitForStatusAsync("api", s => s.Phase == "Healthy" && s.StableRevision == 2 && s.Revisions.Count == 1, "canary completed after the restart");
        await load.WaitForMoreAsync(300, TimeSpan.FromSeconds(30));
        output.WriteLine(load.Summary());
        Assert.True(load.Failed == 0, load.Summary());
    }

    private Task StartAsync(SlipwayCluster cluster) =>
        cluster.StartServerAsync("--api", $"127.0.0.1:{cluster.ApiPort}", "--insecure-registry", images.Registry);

    private static string Pids(Slipway.Server.Api.StatusView status) =>
        string.Join(",", status.Revisions.SelectMany(r => r.Instances).Select(i => i.Pid).Order());
}
