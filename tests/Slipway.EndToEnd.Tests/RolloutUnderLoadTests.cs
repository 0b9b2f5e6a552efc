using Slipway.EndToEnd.Tests.Harness;
using Xunit.Abstractions;

namespace Slipway.EndToEnd.Tests;

/// <summary>
/// Every strategy under continuous load (GET and POST, 300 requests per second through the router
/// as the machine allows): the rollout reaches its end state, requests were in flight all through
/// it, and users see zero failed requests.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class RolloutUnderLoadTests(ITestOutputHelper output)
{
    private const long MinimumRequestsDuringRollout = 50;

    [Fact]
    public async Task Rolling_update_completes_with_zero_failed_requests()
    {
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "v1", Strategies.Rolling));
        await cluster.WaitForStatusAsync("web", s => s.Phase == "Healthy" && s.StableRevision == 1, "v1 healthy");

        await using (var load = new LoadGenerator(cluster.RouterPort, "web.dev.localhost").Start())
        {
            await load.WaitForMoreAsync(300, TimeSpan.FromSeconds(30));
            var sent = load.Total;
            await cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "v2", Strategies.Rolling));
            await cluster.WaitForStatusAsync("web", s => s.Phase == "Healthy" && s.StableRevision == 2 && s.Revisions.Count == 1, "v2 rolled out, v1 gone");
            var during = load.Total - sent;
            await load.WaitForMoreAsync(300, TimeSpan.FromSeconds(30));
            AssertNoFailures(load, during);
            Assert.True(load.Versions.GetValueOrDefault("v2") > 0, load.Summary());
        }
    }

    [Fact]
    public async Task Blue_green_serves_the_preview_then_switches_all_traffic_at_once_and_undo_is_instant()
    {
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("shop", "v1", Strategies.BlueGreenManual));
        await cluster.WaitForStatusAsync("shop", s => s.Phase == "Healthy", "v1 healthy");

        await using var load = new LoadGenerator(cluster.RouterPort, "shop.dev.localhost").Start();
        await load.WaitForMoreAsync(300, TimeSpan.FromSeconds(30));
        var sent = load.Total;
        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("shop", "v2", Strategies.BlueGreenManual));
        var paused = await cluster.WaitForStatusAsync("shop", s => s.Phase == "Paused", "v2 ready on the preview route");
        Assert.Equal(100, paused.Weights.Stable);
        Assert.Equal("v2", await VersionAtAsync(cluster, "shop-preview.dev.localhost"));
        Assert.Equal("v1", await VersionAtAsync(cluster, "shop.dev.localhost"));

        await cluster.CommandAsync("shop", "promote");
        await cluster.WaitForStatusAsync("shop", s => s.Phase == "Healthy" && s.StableRevision == 2, "switched to v2");
        await Eventually.WaitAsync(() => VersionsAsync(cluster, "shop.dev.localhost", 50), v => v.All(x => x == "v2"), TimeSpan.FromSeconds(10), "every request on v2");
        var afterSwitch = await cluster.StatusAsync("shop");
        Assert.Contains(afterSwitch.Revisions, r => r.Number == 1 && r.Role == "previous" && r.Ready == 3);

        // Undo inside scaleDownDelaySeconds: the old revision still runs, so traffic goes back at once.
        await cluster.CommandAsync("shop", "undo");
        await cluster.WaitForStatusAsync("shop", s => s.Phase == "Healthy" && s.StableRevision == 1, "back on v1");
        await Eventually.WaitAsync(() => VersionsAsync(cluster, "shop.dev.localhost", 50), v => v.All(x => x == "v1"), TimeSpan.FromSeconds(10), "every request on v1");
        var during = load.Total - sent;
        await load.WaitForMoreAsync(300, TimeSpan.FromSeconds(30));
        AssertNoFailures(load, during);
    }

    [Fact]
    public async Task Canary_moves_through_its_steps_with_router_weights_and_completes_with_zero_failed_requests()
    {
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("api", "v1", Strategies.Canary));
        await cluster.WaitForStatusAsync("api", s => s.Phase == "Healthy", "v1 healthy");

        await using var load = new LoadGenerator(cluster.RouterPort, "api.dev.localhost").Start();
        await load.WaitForMoreAsync(300, TimeSpan.FromSeconds(30));
        var sent = load.Total;
        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("api", "v2", Strategies.Canary));
        var paused = await cluster.WaitForStatusAsync("api", s => s.Phase == "Paused" && s.CurrentStepIndex == 1, "paused at 10 %");
        Assert.Equal(90, paused.Weights.Stable);
        Assert.Equal(10, paused.Weights.Canary);
        Assert.Equal(3, paused.Revisions.Single(r => r.Role == "stable").Ready); // weights at the router, not by replica ratio

        await Eventually.WaitAsync(() => VersionsAsync(cluster, "api.dev.localhost", 30), v => v.Contains("v2"), TimeSpan.FromSeconds(10), "the router serving weight 10");
        var versions = await VersionsAsync(cluster, "api.dev.localhost", 2000);
        var share = 100.0 * versions.Count(v => v == "v2") / versions.Count;
        output.WriteLine($"canary share of 2000 requests at weight 10: {share:0.00} %");
        Assert.InRange(share, 8.0, 12.0);

        await cluster.CommandAsync("api", "promote");
        await cluster.WaitForStatusAsync("api", s => s.Phase == "Healthy" && s.StableRevision == 2 && s.Revisions.Count == 1, "canary completed");
        var during = load.Total - sent;
        await load.WaitForMoreAsync(300, TimeSpan.FromSeconds(30));
        AssertNoFailures(load, during);
        Assert.True(load.Versions.GetValueOrDefault("v2") > 0);
    }

    [Fact]
    public async Task Aborted_canary_sends_traffic_back_to_stable_with_zero_failed_requests_and_undo_returns_to_the_previous_revision()
    {
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("pay", "v1", Strategies.Canary));
        await cluster.WaitForStatusAsync("pay", s => s.Phase == "Healthy", "v1 healthy");

        await using var load = new LoadGenerator(cluster.RouterPort, "pay.dev.localhost").Start();
        var sent = load.Total;
        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("pay", "v2", Strategies.Canary));
        await cluster.WaitForStatusAsync("pay", s => s.Phase == "Paused", "paused at 10 %");
        await load.WaitForMoreAsync(300, TimeSpan.FromSeconds(30));

        await cluster.CommandAsync("pay", "abort");
        var aborted = await cluster.WaitForStatusAsync("pay", s => s.Phase == "Degraded" && s.Revisions.All(r => r.Number == 1), "aborted, canary scaled down");
        Assert.Equal("AbortedByUser", aborted.Reason);
        Assert.Equal(100, aborted.Weights.Stable);
        Assert.Contains(aborted.Conditions, c => c.Type == "Aborted" && c.Status);
        var versions = await VersionsAsync(cluster, "pay.dev.localhost", 100);
        Assert.All(versions, v => Assert.Equal("v1", v));

        // Finish v2 for real, then undo back to v1.
        await cluster.CommandAsync("pay", "retry");
        await cluster.WaitForStatusAsync("pay", s => s.Phase == "Paused" && s.CurrentStepIndex == 1, "retried: paused at 10 %");
        await cluster.CommandAsync("pay", "promote", full: true);
        await cluster.WaitForStatusAsync("pay", s => s.Phase == "Healthy" && s.StableRevision == 2 && s.Revisions.Count == 1, "v2 stable");
        await cluster.CommandAsync("pay", "undo");
        await cluster.WaitForStatusAsync("pay", s => s.Phase == "Healthy" && s.StableRevision == 1 && s.Revisions.Count == 1, "undo back to revision 1");
        var during = load.Total - sent;
        await load.WaitForMoreAsync(300, TimeSpan.FromSeconds(30));
        AssertNoFailures(load, during);

        var (exit, history, _) = await cluster.CliAsync("history", "pay");
        Assert.Equal(0, exit);
        Assert.Contains("revision 1", history);
        Assert.Contains("revision 2", history);
        Assert.Contains("AbortedByUser", history);
        Assert.Contains("Undo", history);
    }

    [Fact]
    public async Task Restart_replaces_every_instance_one_by_one_with_zero_failed_requests()
    {
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "v1", Strategies.Rolling));
        var before = await cluster.WaitForStatusAsync("web", s => s.Phase == "Healthy", "v1 healthy");
        var oldIds = before.Revisions.Single().Instances.Select(i => i.Id).ToHashSet();

        await using var load = new LoadGenerator(cluster.RouterPort, "web.dev.localhost").Start();
        await load.WaitForMoreAsync(300, TimeSpan.FromSeconds(30));
        var sent = load.Total;
        await cluster.CommandAsync("web", "restart");
        var after = await cluster.WaitForStatusAsync(
            "web",
            s => s.Revisions.Count == 1 && s.Revisions[0].Instances.Count == 3 && s.Revisions[0].Ready == 3 && s.Revisions[0].Instances.All(i => !oldIds.Contains(i.Id)),
            "every instance replaced");
        Assert.Equal(1, after.StableRevision);
        var during = load.Total - sent;
        await load.WaitForMoreAsync(300, TimeSpan.FromSeconds(30));
        AssertNoFailures(load, during);
    }

    /// <summary>
    /// Zero failed requests, and enough of them (GET and POST) while the rollout ran for that to
    /// mean something: a count, not a rate, so a slow machine is not a failure.
    /// </summary>
    private void AssertNoFailures(LoadGenerator load, long sentDuringRollout)
    {
        output.WriteLine($"{sentDuringRollout} requests during the rollout; {load.Summary()}");
        Assert.True(sentDuringRollout >= MinimumRequestsDuringRollout, $"only {sentDuringRollout} requests while the rollout ran: {load.Summary()}");
        Assert.True(load.Posts > 0, $"no POST answered: {load.Summary()}");
        Assert.True(load.Failed == 0, $"failed requests: {load.Summary()}");
    }

    internal static async Task<string?> VersionAtAsync(SlipwayCluster cluster, string host, IReadOnlyDictionary<string, string>? headers = null) =>
        (await VersionsAsync(cluster, host, 1, headers)).Single();

    /// <summary>Sends <paramref name="count"/> sequential requests and returns the X-Version of each.</summary>
    internal static async Task<List<string?>> VersionsAsync(SlipwayCluster cluster, string host, int count, IReadOnlyDictionary<string, string>? headers = null)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{cluster.RouterPort}/") };
        var versions = new List<string?>(count);
        for (var i = 0; i < count; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/");
            request.Headers.Host = host;
            foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            {
                request.Headers.Add(name, value);
            }

            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            versions.Add(response.Headers.TryGetValues("X-Version", out var v) ? v.First() : null);
        }

        return versions;
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EndToEndCollection
{
    public const string Name = "end-to-end";
}
