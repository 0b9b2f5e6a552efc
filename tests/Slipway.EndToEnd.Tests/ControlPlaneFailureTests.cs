using System.Text.Json;
using Slipway.EndToEnd.Tests.Harness;
using Xunit.Abstractions;

namespace Slipway.EndToEnd.Tests;

/// <summary>The data plane does not depend on the controller: kill it mid-canary, under load.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class ControlPlaneFailureTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Controller_killed_with_sigkill_mid_canary_drops_no_request_and_resumes_at_the_same_step_and_weights()
    {
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "v1", Strategies.Canary));
        await cluster.WaitForStatusAsync("web", s => s.Phase == "Healthy", "v1 healthy");

        await using var load = new LoadGenerator(cluster.RouterPort, "web.dev.localhost").Start();
        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "v2", Strategies.Canary));
        var before = await cluster.WaitForStatusAsync("web", s => s.Phase == "Paused" && s.CurrentStepIndex == 1 && s.Revisions.Sum(r => r.Ready) == 4, "paused at 10 %");
        var pidsBefore = Pids(before);

        await cluster.KillServerAsync();
        await load.WaitForMoreAsync(600, TimeSpan.FromSeconds(30)); // two seconds of traffic with no controller at all
        Assert.True(load.Failed == 0, load.Summary());

        await cluster.StartServerAsync();
        var after = await cluster.WaitForStatusAsync("web", s => s.Revisions.Sum(r => r.Ready) == 4, "instances re-adopted");
        Assert.Equal("Paused", after.Phase);
        Assert.Equal(before.CurrentStepIndex, after.CurrentStepIndex);
        Assert.Equal(before.Weights, after.Weights);
        Assert.Equal(pidsBefore, Pids(after)); // re-adopted, not restarted

        await load.WaitForMoreAsync(300, TimeSpan.FromSeconds(30));
        await cluster.CommandAsync("web", "promote");
        await cluster.WaitForStatusAsync("web", s => s.Phase == "Healthy" && s.StableRevision == 2 && s.Revisions.Count == 1, "canary completed after the restart");
        await load.WaitForMoreAsync(300, TimeSpan.FromSeconds(30));
        output.WriteLine(load.Summary());
        Assert.True(load.Posts > 0, load.Summary());
        Assert.True(load.Failed == 0, load.Summary());
    }

    private static string Pids(Slipway.Server.Api.StatusView status) =>
        string.Join(",", status.Revisions.SelectMany(r => r.Instances).Select(i => i.Pid).Order());
}
