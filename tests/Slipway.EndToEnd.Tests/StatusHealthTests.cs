using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Slipway.EndToEnd.Tests.Harness;
using Slipway.Server.Api;
using Xunit.Abstractions;

namespace Slipway.EndToEnd.Tests;

/// <summary>
/// Health next to the rollout: under real load through the real router, <c>slipway status</c> shows per revision the
/// requests, success and error rates and latency the router measured — a canary whose version fails some requests
/// shows errors, the stable shows none — in JSON and in text, over the window asked for.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed partial class StatusHealthTests(ITestOutputHelper output)
{
    private const string CanaryAtHalf = """
        canary:
          steps:
            - setWeight: 50
            - pause: {}
        """;

    [Fact]
    public async Task A_failing_canary_shows_its_errors_beside_a_clean_stable_in_json_and_text()
    {
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "v1", CanaryAtHalf, replicas: 1));
        await cluster.WaitForStatusAsync("web", s => s.Phase == "Healthy", "v1 healthy");

        await using (var load = new LoadGenerator(cluster.RouterPort, "web.dev.localhost", 60).Start())
        {
            await cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "v2", CanaryAtHalf, replicas: 1,
                extraEnv: "\n    - name: ERROR_RATE\n      value: \"0.3\""));
            await cluster.WaitForStatusAsync("web", s => s.Phase == "Paused" && s.Weights.Canary == 50, "the canary at 50 %");
            await cluster.WaitForStatusAsync("web", s =>
                s.Revisions.Single(r => r.Number == 2).Health is { Requests: >= 30, Errors: > 0 }
                && s.Revisions.Single(r => r.Number == 1).Health is { Requests: >= 30 }, "requests and errors measured on both revisions");

            var (exit, stdout, stderr) = await cluster.CliAsync("status", "web", "-o", "json");
            Assert.True(exit == 0, stderr);
            var status = JsonNode.Parse(stdout)!.AsObject();
            Assert.Null(status["healthError"]);
            var canary = Health(status, "canary");
            var stable = Health(status, "stable");
            output.WriteLine($"canary {canary.ToJsonString()}\nstable {stable.ToJsonString()}\n{load.Summary()}");

            Assert.True(canary["requests"]!.GetValue<long>() > 0);
            Assert.True(canary["errors"]!.GetValue<long>() > 0);
            Assert.InRange(canary["errorRate"]!.GetValue<double>(), 0.01, 0.99);
            Assert.Equal(1.0, canary["errorRate"]!.GetValue<double>() + canary["successRate"]!.GetValue<double>(), precision: 9);
            Assert.True(stable["requests"]!.GetValue<long>() > 0);
            Assert.Equal(0.0, stable["errorRate"]!.GetValue<double>());
            Assert.Equal(1.0, stable["successRate"]!.GetValue<double>());
            foreach (var health in new[] { canary, stable })
            {
                Assert.InRange(health["windowSeconds"]!.GetValue<int>(), 1, 60); // less than 60 s when the router has known the revision for less
                Assert.True(health["requestsPerSecond"]!.GetValue<double>() > 0);
                var quantiles = new[] { "p50Ms", "p90Ms", "p95Ms", "p99Ms" }.Select(q => health[q]!.GetValue<double>()).ToList();
                Assert.True(quantiles[0] > 0);
                Assert.Equal(quantiles.Order().ToList(), quantiles);
            }

            (exit, stdout, stderr) = await cluster.CliAsync("status", "web");
            Assert.True(exit == 0, stderr);
            output.WriteLine(stdout);
            var canaryLine = HealthLine().Match(LineAfter(stdout, "revision 2 "));
            Assert.True(canaryLine.Success, stdout);
            Assert.True(double.Parse(canaryLine.Groups["errors"].Value, CultureInfo.InvariantCulture) > 0, stdout);
            var stableLine = HealthLine().Match(LineAfter(stdout, "revision 1 "));
            Assert.True(stableLine.Success, stdout);
            Assert.Equal("0", stableLine.Groups["errors"].Value);
            Assert.Equal("100", stableLine.Groups["success"].Value);
        }

        // Load stopped: a one-second window soon holds no request at all.
        await Eventually.WaitAsync(
            async () => JsonSerializer.Deserialize<StatusView>(await cluster.Api.GetStringAsync("api/v1/apps/web/dev?window=1s"), Slipway.Core.Serialization.SlipwayJson.Options)!,
            s => s.Revisions.All(r => r.Health is { Requests: 0 }), TimeSpan.FromSeconds(30), "no requests in the last second");
        var (quietExit, quiet, quietError) = await cluster.CliAsync("status", "web", "--window", "1s");
        Assert.True(quietExit == 0, quietError);
        Assert.Equal("no requests in the last 1 s", LineAfter(quiet, "revision 2 ").Trim());
        Assert.Equal("no requests in the last 1 s", LineAfter(quiet, "revision 1 ").Trim());

        var (badExit, _, badError) = await cluster.CliAsync("status", "web", "--window", "10m");
        Assert.Equal(1, badExit);
        Assert.Contains("window: expected whole seconds from 1s to 5m, such as 30s or 2m; got '10m'", badError);
    }

    private static JsonObject Health(JsonObject status, string role) =>
        status["revisions"]!.AsArray().Single(r => r!["role"]!.GetValue<string>() == role)!["health"]!.AsObject();

    /// <summary>The line under the revision line that starts with <paramref name="revision"/>.</summary>
    private static string LineAfter(string text, string revision)
    {
        var lines = text.Split('\n');
        var index = Array.FindIndex(lines, l => l.TrimStart().StartsWith(revision, StringComparison.Ordinal));
        Assert.True(index >= 0 && index + 1 < lines.Length, $"no line after '{revision}' in:\n{text}");
        return lines[index + 1];
    }

    [GeneratedRegex(@"^      requests [\d,]+  success (?<success>[\d.]+)%  errors (?<errors>[\d.]+)%  p50 [\d.,]+ ms  p99 [\d.,]+ ms  \(last \d+ s\)$")]
    private static partial Regex HealthLine();
}
