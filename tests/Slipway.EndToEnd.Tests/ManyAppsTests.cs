using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Slipway.EndToEnd.Tests.Harness;
using Xunit.Abstractions;

namespace Slipway.EndToEnd.Tests;

/// <summary>
/// Cost follows change, on the real server: among hundreds of apps, a change to one app is acted on by passes over that
/// app only — counted by the server's own metrics — and the apps nobody touches cost no pass and no store read.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed partial class ManyAppsTests(ITestOutputHelper output)
{
    private const int Apps = 300;

    [Fact]
    public async Task A_change_to_one_of_300_apps_is_reconciled_without_a_pass_over_the_others()
    {
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        var specs = Enumerable.Range(0, Apps).Select(n => SlipwayCluster.SampleSpec(Name(n), "v1", Strategies.Rolling, replicas: 0)).ToList();
        await cluster.ApplyAsync(string.Join("\n---\n", specs), "many.yaml");
        await Eventually.WaitAsync(HealthyCountAsync, healthy => healthy == Apps, TimeSpan.FromMinutes(3), $"all {Apps} apps Healthy");
        var before = await QuietAsync(cluster);

        await cluster.ApplyAsync(SlipwayCluster.SampleSpec(Name(42), "v2", Strategies.Rolling, replicas: 0), "one.yaml");
        await cluster.WaitForStatusAsync(Name(42), s => s.Phase == "Healthy" && s.StableRevision == 2 && s.ObservedGeneration == s.Generation, "the changed app Healthy at revision 2");
        var after = await QuietAsync(cluster);

        var changed = after.Passes.Where(p => p.Value != before.Passes.GetValueOrDefault(p.Key)).Select(p => p.Key).ToList();
        output.WriteLine($"passes over {Name(42)}: {after.Passes[Name(42)] - before.Passes[Name(42)]}; store reads {after.StoreReads - before.StoreReads}, writes {after.StoreWrites - before.StoreWrites}");
        Assert.Equal([Name(42)], changed);
        // The apply reads the list of apps once (its routes against theirs); every other read is of the changed app.
        Assert.InRange(after.StoreReads - before.StoreReads, 1, 30);

        async Task<int> HealthyCountAsync()
        {
            var apps = JsonNode.Parse(await cluster.Api.GetStringAsync("api/v1/apps"))!.AsArray();
            return apps.Count(a => a!["phase"]!.GetValue<string>() == "Healthy");
        }
    }

    private static string Name(int n) => $"app{n:D3}";

    /// <summary>Waits until the server's work queue is empty and its counters stand still for a second; returns them.</summary>
    private static async Task<Counters> QuietAsync(SlipwayCluster cluster)
    {
        Counters? last = null;
        var still = 0;
        var until = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (still < 5)
        {
            Assert.True(DateTime.UtcNow < until, "the control plane never went quiet");
            var now = Counters.Parse(await cluster.Api.GetStringAsync("metrics"));
            still = last is not null && now.QueueDepth == 0 && now.SamePasses(last) ? still + 1 : 0;
            last = now;
            await Task.Delay(200);
        }

        return last!;
    }

    private sealed partial record Counters(Dictionary<string, long> Passes, long StoreReads, long StoreWrites, double QueueDepth)
    {
        public bool SamePasses(Counters other) => Passes.Count == other.Passes.Count && Passes.All(p => other.Passes.GetValueOrDefault(p.Key) == p.Value);

        public static Counters Parse(string exposition)
        {
            var passes = new Dictionary<string, long>(StringComparer.Ordinal);
            long reads = 0, writes = 0;
            double depth = 0;
            foreach (var line in exposition.Split('\n'))
            {
                if (Reconciles().Match(line) is { Success: true } r)
                {
                    passes[r.Groups["app"].Value] = passes.GetValueOrDefault(r.Groups["app"].Value) + (long)Value(r);
                }
                else if (StoreOperations().Match(line) is { Success: true } s)
                {
                    if (s.Groups["kind"].Value == "read")
                    {
                        reads += (long)Value(s);
                    }
                    else
                    {
                        writes += (long)Value(s);
                    }
                }
                else if (line.StartsWith("slipway_workqueue_depth ", StringComparison.Ordinal))
                {
                    depth = double.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture);
                }
            }

            return new Counters(passes, reads, writes, depth);
        }

        private static double Value(Match m) => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);

        [GeneratedRegex("""^slipway_reconcile_total\{(?=.*app="(?<app>[^"]+)").*\} (?<value>\S+)$""")]
        private static partial Regex Reconciles();

        [GeneratedRegex("""^slipway_store_operations_total\{(?=.*kind="(?<kind>[^"]+)").*\} (?<value>\S+)$""")]
        private static partial Regex StoreOperations();
    }
}
