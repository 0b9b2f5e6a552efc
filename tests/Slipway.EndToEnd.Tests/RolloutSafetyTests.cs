using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Slipway.EndToEnd.Tests.Harness;
using Xunit.Abstractions;

namespace Slipway.EndToEnd.Tests;

/// <summary>
/// What a team must be able to trust: a release that crashes or flaps is never promoted and the stable revision keeps
/// serving; a deleted and re-applied app serves the new code; the status document is the one docs/api.md describes.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed partial class RolloutSafetyTests(ITestOutputHelper output)
{
    private const string TimedCanary = """
        canary:
          steps:
            - setWeight: 50
            - pause:
                duration: 3s
            - setWeight: 100
            - pause:
                duration: 3s
        """;

    [Fact]
    public async Task A_canary_that_passes_readiness_and_crashes_after_every_start_is_aborted_and_never_promoted()
    {
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "v1", TimedCanary, replicas: 1));
        await cluster.WaitForStatusAsync("web", s => s.Phase == "Healthy", "v1 healthy");

        await using var load = new LoadGenerator(cluster.RouterPort, "web.dev.localhost", 100).Start();
        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "v2", TimedCanary, replicas: 1,
            extraEnv: "\n    - name: CRASH_AFTER_SECONDS\n      value: \"3\""));

        // Watched all along: revision 2 never becomes stable, whatever the timing.
        var aborted = await cluster.WaitForStatusAsync("web", s =>
        {
            Assert.Equal(1, s.StableRevision);
            return s.Phase == "Degraded";
        }, "the crash-looping canary aborted", seconds: 120);
        output.WriteLine($"{aborted.Reason}: {aborted.Message}");
        Assert.Equal("MaxRestartsExceeded", aborted.Reason);
        Assert.Equal(100, aborted.Weights.Stable);

        await cluster.WaitForStatusAsync("web", s => s.Revisions.All(r => r.Number == 1), "canary scaled down");
        var failedAtAbort = load.Failed;
        await load.WaitForMoreAsync(200, TimeSpan.FromSeconds(60));
        output.WriteLine(load.Summary());
        Assert.True(load.Failed == failedAtAbort, $"requests failed after the abort: {load.Summary()}");
        Assert.Equal(1, (await cluster.StatusAsync("web")).StableRevision);
    }

    [Fact]
    public async Task A_canary_whose_readiness_flaps_is_never_promoted_and_aborts_at_its_progress_deadline()
    {
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "v1", TimedCanary, replicas: 1, progressDeadlineSeconds: 20));
        await cluster.WaitForStatusAsync("web", s => s.Phase == "Healthy", "v1 healthy");

        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "v2", TimedCanary, replicas: 1, progressDeadlineSeconds: 20,
            extraEnv: "\n    - name: FLAP_READINESS_SECONDS\n      value: \"3\""));
        var aborted = await cluster.WaitForStatusAsync("web", s =>
        {
            Assert.Equal(1, s.StableRevision);
            Assert.Equal(0, s.Weights.Canary);
            return s.Phase == "Degraded";
        }, "the flapping canary aborted at its deadline", seconds: 120);

        Assert.Equal("ProgressDeadlineExceeded", aborted.Reason);
        Assert.Contains("progressDeadlineSeconds (20s)", aborted.Message);
    }

    [Fact]
    public async Task A_deleted_and_reapplied_app_serves_the_new_code()
    {
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "alpha", Strategies.Rolling, replicas: 2));
        await cluster.WaitForStatusAsync("web", s => s.Phase == "Healthy", "alpha healthy");
        Assert.Equal("alpha", await RolloutUnderLoadTests.VersionAtAsync(cluster, "web.dev.localhost"));

        var (code, _, stderr) = await cluster.CliAsync("delete", "web");
        Assert.True(code == 0, stderr);
        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "beta", Strategies.Rolling, replicas: 2));
        await cluster.WaitForStatusAsync("web", s => s.Phase == "Healthy" && s.Revisions.Sum(r => r.Instances.Count) == 2, "beta healthy");

        var versions = await RolloutUnderLoadTests.VersionsAsync(cluster, "web.dev.localhost", 50);
        Assert.All(versions, v => Assert.Equal("beta", v));
    }

    [Fact]
    public async Task The_status_document_has_exactly_the_fields_docs_api_md_shows_with_nulls_present()
    {
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        // With an analysis that has measured, so that every field of a run, a metric and a measurement is there.
        var strategy = Strategies.HeaderAndMirror.Replace("canary:\n", "canary:\n  analysis:\n    metrics:\n      - name: smoke\n        provider:\n          job: {command: \"true\"}\n", StringComparison.Ordinal);

        // And hooks that have run, so that every field of a hook run and of the event it delivered is there.
        const string hooks = "\n  hooks:\n    - {name: migrate, type: preRollout, job: {command: \"true\"}}\n    - {name: notify, type: event, job: {command: \"true\"}}";
        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "v1", strategy, replicas: 1) + hooks);
        await cluster.WaitForStatusAsync("web", s => s.Phase == "Healthy", "v1 healthy");
        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "v2", strategy, replicas: 1) + hooks);
        await cluster.WaitForStatusAsync("web", s => s.Phase == "Paused" && s.Analysis is [{ Metrics: [{ Measurements.Count: > 0 }] }] && s.Hooks!.Any(h => h.Event is not null), "paused with a header route, a mirror, a measured analysis and hooks run");

        var document = JsonNode.Parse(await cluster.Api.GetStringAsync("api/v1/apps/web/dev"))!.AsObject();
        var documented = DocumentedStatusFields();
        var actual = new SortedSet<string>(StringComparer.Ordinal);
        CollectFields(document, actual);
        Assert.Equal(documented, actual);

        // One rule: a field without a value is present, as null.
        Assert.True(document.ContainsKey("completedAt"));
        Assert.Null(document["completedAt"]);
        Assert.True(document.ContainsKey("previewRevision"));
    }

    /// <summary>Every field name in the status example of docs/api.md (comments and "…" placeholders ignored).</summary>
    private static SortedSet<string> DocumentedStatusFields()
    {
        var doc = File.ReadAllText(Path.Combine(Paths.Repository, "docs", "api.md"));
        var section = doc[doc.IndexOf("## Status", StringComparison.Ordinal)..];
        var block = section[(section.IndexOf("```json", StringComparison.Ordinal) + 7)..];
        block = block[..block.IndexOf("```", StringComparison.Ordinal)];
        return new SortedSet<string>(FieldName().Matches(block).Select(m => m.Groups[1].Value), StringComparer.Ordinal);
    }

    private static void CollectFields(JsonNode? node, SortedSet<string> fields)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, value) in o)
                {
                    fields.Add(name);
                    CollectFields(value, fields);
                }

                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    CollectFields(item, fields);
                }

                break;
        }
    }

    [GeneratedRegex("\"([A-Za-z][A-Za-z0-9]*)\"\\s*:")]
    private static partial Regex FieldName();
}
