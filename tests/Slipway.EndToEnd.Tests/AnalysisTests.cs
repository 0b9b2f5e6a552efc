using System.Text.Json;
using Slipway.Core.Serialization;
using Slipway.EndToEnd.Tests.Harness;
using Slipway.Server.Api;
using Xunit.Abstractions;

namespace Slipway.EndToEnd.Tests;

/// <summary>
/// Rollouts that judge themselves, with the real sample service behind the real router: a bad canary is rolled back
/// by analysis with no human, a good one promotes itself, the judge compares with stable, no traffic is never a pass,
/// and blue-green analyses keep or switch back the old revision.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class AnalysisTests(ITestOutputHelper output)
{
    private const string ErrorRateBackground = """
        canary:
          analysis:
            metrics:
              - name: errors
                interval: 1s
                failureCondition: result > 0.05
                minSampleSize: 10
                provider:
                  router: {measure: errorRate, window: 5s}
          steps:
            - setWeight: 20
            - pause: {duration: 10m}
        """;

    private static string Env(string name, string value) => $"\n    - name: {name}\n      value: \"{value}\"";

    [Fact]
    public async Task A_canary_answering_20_percent_errors_is_rolled_back_by_background_analysis_with_no_human()
    {
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "v1", ErrorRateBackground, replicas: 2));
        await cluster.WaitForStatusAsync("web", s => s.Phase == "Healthy", "v1 healthy");

        await using var load = new LoadGenerator(cluster.RouterPort, "web.dev.localhost", 100).Start();
        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "v2", ErrorRateBackground, replicas: 2, extraEnv: Env("ERROR_RATE", "0.2")));
        var aborted = await cluster.WaitForStatusAsync("web", s =>
        {
            Assert.Equal(1, s.StableRevision);
            return s.Phase == "Degraded";
        }, "the bad canary rolled back by analysis", seconds: 120);

        output.WriteLine($"{aborted.Reason}: {aborted.Message}");
        Assert.Equal("AnalysisFailed", aborted.Reason);
        Assert.Contains("background analysis of revision 2: metric errors failed at ", aborted.Message);
        Assert.Matches(@"result 0\.\d+: failureCondition 'result > 0\.05' holds", aborted.Message);
        Assert.Equal(100, aborted.Weights.Stable);

        // After the abort, no request reaches the canary: none fails and none is answered by v2.
        await cluster.WaitForStatusAsync("web", s => s.Revisions.All(r => r.Number == 1), "canary scaled down");
        var (failed, fromV2) = (load.Failed, load.Versions.GetValueOrDefault("v2"));
        await load.WaitForMoreAsync(300, TimeSpan.FromSeconds(60));
        output.WriteLine(load.Summary());
        Assert.Equal(failed, load.Failed);
        Assert.Equal(fromV2, load.Versions.GetValueOrDefault("v2"));

        var (code, stdout, stderr) = await cluster.CliAsync("analysis", "web");
        output.WriteLine(stdout);
        Assert.True(code == 0, stderr);
        Assert.Contains("background analysis of revision 2 (stable 1)  Failed", stdout);
        Assert.Contains("metric errors  router  Failed", stdout);
    }

    [Fact]
    public async Task An_analysis_interrupted_by_a_killed_controller_resumes_where_it_was_and_still_rolls_back_the_bad_canary()
    {
        const string Slow = """
            canary:
              analysis:
                metrics:
                  - name: errors
                    interval: 1s
                    failureCondition: result > 0.05
                    failureLimit: 9
                    minSampleSize: 10
                    provider:
                      router: {measure: errorRate, window: 5s}
              steps:
                - setWeight: 20
                - pause: {duration: 10m}
            """;
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "v1", Slow, replicas: 1));
        await cluster.WaitForStatusAsync("web", s => s.Phase == "Healthy", "v1 healthy");
        await using var load = new LoadGenerator(cluster.RouterPort, "web.dev.localhost", 100).Start();

        // A canary that fails every measurement, and a metric that tolerates nine failures: the controller dies after
        // the first failure is recorded, before the tenth.
        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "v2", Slow, replicas: 1, extraEnv: Env("ERROR_RATE", "0.5")));
        await Eventually.WaitAsync(() => AnalysisAsync(cluster, "web"), a => a.Runs is [{ Metrics: [{ Failed: > 0 and < 10 }] }], TimeSpan.FromSeconds(120), "a failed measurement recorded");
        await cluster.KillServerAsync();
        await cluster.StartServerAsync();

        var aborted = await cluster.WaitForStatusAsync("web", s =>
        {
            Assert.Equal(1, s.StableRevision);
            return s.Phase == "Degraded";
        }, "the bad canary rolled back after the restart", seconds: 120);
        Assert.Equal("AnalysisFailed", aborted.Reason);
        Assert.Contains("10 measurements failed, failureLimit 9", aborted.Message);
        var run = Assert.Single((await AnalysisAsync(cluster, "web")).Runs);
        Assert.Equal(10, run.Metrics[0].Failed); // counted across the restart, not from zero
    }

    [Fact]
    public async Task A_healthy_canary_goes_from_the_first_step_to_all_traffic_with_no_human_and_no_failed_request()
    {
        const string Template = """
            apiVersion: slipway.dev/v1alpha1
            kind: AnalysisTemplate
            metadata: {name: success-rate}
            spec:
              metrics:
                - name: success
                  interval: 1s
                  count: 3
                  successCondition: result >= 0.95
                  minSampleSize: 5
                  provider:
                    router: {measure: successRate, window: 5s}
            ---

            """;
        const string Strategy = """
            canary:
              analysis:
                startingStep: 1
                metrics:
                  - name: errors
                    interval: 1s
                    successCondition: result <= 0.01
                    minSampleSize: 5
                    provider:
                      router: {measure: errorRate, window: 5s}
              steps:
                - setWeight: 20
                - analysis:
                    templates: [{templateName: success-rate}]
                - setWeight: 50
                - pause: {duration: 2s}
            """;
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        await cluster.ApplyAsync(Template + SlipwayCluster.SampleSpec("web", "v1", Strategy, replicas: 2));
        await cluster.WaitForStatusAsync("web", s => s.Phase == "Healthy", "v1 healthy");

        await using var load = new LoadGenerator(cluster.RouterPort, "web.dev.localhost", 100).Start();
        await cluster.ApplyAsync(Template + SlipwayCluster.SampleSpec("web", "v2", Strategy, replicas: 2));
        await cluster.WaitForStatusAsync("web", s => s.CanaryRevision == 2 && s.Analysis!.Any(r => r.Kind == "step"), "the analysis step running");
        var done = await cluster.WaitForStatusAsync("web", s => s.Phase == "Healthy" && s.StableRevision == 2, "v2 promoted by analysis", seconds: 180);
        await load.WaitForMoreAsync(100, TimeSpan.FromSeconds(30));
        output.WriteLine(load.Summary());
        Assert.Equal(0, load.Failed);
        Assert.True(load.Versions.GetValueOrDefault("v2") > 0);

        var analysis = await AnalysisAsync(cluster, "web");
        var step = Assert.Single(analysis.Runs, r => r.Kind == "step" && r.Current);
        Assert.Equal("Successful", step.Phase);
        Assert.Equal(3, Assert.Single(step.Metrics).Successful);
        var background = Assert.Single(analysis.Runs, r => r.Kind == "background" && r.Current);
        Assert.True(background.HasEvidence);
        Assert.True(background.Terminated); // ended by the promotion, as Argo's background analysis is
        Assert.Null(done.HealthCheck); // nothing rolls out any more
    }

    [Fact]
    public async Task The_judge_passes_a_canary_as_noisy_as_stable_and_fails_a_slower_one_with_its_confidence()
    {
        const string Judge = """
            canary:
              analysis:
                metrics:
                  - name: judge
                    interval: 1s
                    count: 5
                    minSampleSize: 30
                    provider:
                      judge: {errorRate: {}, latency: {tolerance: 1.2}, confidence: 0.99}
              steps:
                - setWeight: 50
                - pause: {duration: 5s}
            """;
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "v1", Judge, replicas: 1, extraEnv: Env("ERROR_RATE", "0.05") + Env("LATENCY_MS", "2")));
        await cluster.WaitForStatusAsync("web", s => s.Phase == "Healthy", "v1 healthy");
        await using var load = new LoadGenerator(cluster.RouterPort, "web.dev.localhost", 150).Start();

        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "v2", Judge, replicas: 1, extraEnv: Env("ERROR_RATE", "0.05") + Env("LATENCY_MS", "2")));
        await cluster.WaitForStatusAsync("web", s =>
        {
            Assert.NotEqual("Degraded", s.Phase);
            return s.Phase == "Healthy" && s.StableRevision == 2;
        }, "the equally noisy canary passed", seconds: 180);
        var passed = Assert.Single((await AnalysisAsync(cluster, "web")).Runs, r => r.Current);
        var verdict = passed.Metrics[0].Measurements[^1].Verdict!;
        output.WriteLine(verdict.Summary);
        Assert.Equal(Slipway.Core.Analysis.Judge.JudgeOutcome.Pass, verdict.Outcome);
        Assert.Equal(["errorRate", "latency"], verdict.Tests.Select(t => t.Name));

        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "v3", Judge, replicas: 1, extraEnv: Env("ERROR_RATE", "0.05") + Env("LATENCY_MS", "40")));
        var failed = await cluster.WaitForStatusAsync("web", s =>
        {
            Assert.Equal(2, s.StableRevision);
            return s.Phase == "Degraded";
        }, "the slower canary failed by the judge", seconds: 180);
        output.WriteLine(failed.Message);
        Assert.Equal("AnalysisFailed", failed.Reason);
        Assert.Matches(@"canary median latency .* slower than 1\.2 × stable with .*% confidence", failed.Message);
    }

    [Fact]
    public async Task A_canary_that_receives_no_traffic_is_never_promoted_under_either_low_traffic_policy()
    {
        static string NoTraffic(string policy) => $$"""
            canary:
              analysis:
                metrics:
                  - name: errors
                    interval: 1s
                    successCondition: result <= 0.05
                    lowTraffic: {{policy}}{{(policy == "extend" ? "\n        maxExtension: 4s" : "")}}
                    provider:
                      router: {measure: errorRate, window: 3s}
              steps:
                - setWeight: 50
                - pause: {duration: 1s}
            """;
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        foreach (var policy in new[] { "pause", "extend" })
        {
            await cluster.ApplyAsync(SlipwayCluster.SampleSpec(policy, "v1", NoTraffic(policy), replicas: 1), $"{policy}.yaml");
        }

        foreach (var policy in new[] { "pause", "extend" })
        {
            await cluster.WaitForStatusAsync(policy, s => s.Phase == "Healthy", $"{policy} v1 healthy");
            await cluster.ApplyAsync(SlipwayCluster.SampleSpec(policy, "v2", NoTraffic(policy), replicas: 1), $"{policy}.yaml");
        }

        foreach (var policy in new[] { "pause", "extend" })
        {
            var paused = await cluster.WaitForStatusAsync(policy, s =>
            {
                Assert.Equal(1, s.StableRevision); // watched all along: never promoted
                return s.Reason == "AnalysisInconclusive";
            }, $"{policy}: inconclusive for lack of traffic", seconds: 120);
            output.WriteLine($"{policy}: {paused.Message}");
            Assert.Equal("Paused", paused.Phase);
            Assert.Contains("too little traffic to judge: 0 requests", paused.Message);
        }

        // With extend, measurements waited for traffic (recorded, not counted) until maxExtension had passed.
        var extend = Assert.Single((await AnalysisAsync(cluster, "extend")).Runs, r => r.Current).Metrics[0];
        Assert.Equal(1, extend.Measured);
        Assert.True(extend.Measurements.Count >= 3, $"{extend.Measurements.Count} measurements");
        Assert.All(extend.Measurements, m => Assert.True(m.LowTraffic));
    }

    [Fact]
    public async Task A_failing_dry_run_metric_changes_nothing_and_onFailure_pause_pauses_for_a_human()
    {
        static string Strategy(string dryRun, string onFailure) => $$"""
            canary:
              analysis:
                onFailure: {{onFailure}}
                metrics:
                  - name: always-fails
                    dryRun: {{dryRun}}
                    provider:
                      job: {command: sh, args: [-c, "echo checking; exit 1"]}
              steps:
                - setWeight: 50
                - pause: {duration: 5s}
            """;
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "v1", Strategy("true", "abort"), replicas: 1));
        await cluster.WaitForStatusAsync("web", s => s.Phase == "Healthy", "v1 healthy");

        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "v2", Strategy("true", "abort"), replicas: 1));
        await cluster.WaitForStatusAsync("web", s =>
        {
            Assert.NotEqual("Degraded", s.Phase);
            return s.Phase == "Healthy" && s.StableRevision == 2;
        }, "promoted despite the failing dry-run metric", seconds: 120);
        var dry = Assert.Single((await AnalysisAsync(cluster, "web")).Runs, r => r.Current).Metrics[0];
        Assert.True(dry.DryRun);
        Assert.Equal("Failed", dry.Phase); // measured, shown and recorded
        Assert.Contains("checking", dry.Measurements[^1].Output);

        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "v3", Strategy("false", "pause"), replicas: 1));
        var paused = await cluster.WaitForStatusAsync("web", s => s.Reason == "AnalysisFailed", "paused by the failing analysis", seconds: 120);
        Assert.Equal("Paused", paused.Phase);
        Assert.Equal(2, paused.StableRevision);
        Assert.Contains("failed (onFailure: pause)", paused.Message);

        await cluster.CommandAsync("web", "abort");
        await cluster.WaitForStatusAsync("web", s => s.Phase == "Degraded" && s.Weights.Stable == 100, "aborted by the human");
    }

    [Fact]
    public async Task Blue_green_keeps_the_old_revision_when_pre_promotion_analysis_fails_and_switches_back_when_post_promotion_fails()
    {
        static string BlueGreen(string field, string script) => $$"""
            blueGreen:
              {{field}}:
                metrics:
                  - name: smoke
                    provider:
                      job: {command: sh, args: [-c, "{{script}}"]}
            """;
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "v1", BlueGreen("prePromotionAnalysis", "exit 0"), replicas: 1));
        await cluster.WaitForStatusAsync("web", s => s.Phase == "Healthy", "v1 healthy");
        await using var load = new LoadGenerator(cluster.RouterPort, "web.dev.localhost", 50).Start();

        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "v2", BlueGreen("prePromotionAnalysis", "curl -sf $SLIPWAY_CANARY_URL/nothing-here"), replicas: 1));
        var pre = await cluster.WaitForStatusAsync("web", s =>
        {
            Assert.Equal(1, s.StableRevision);
            return s.Phase == "Degraded";
        }, "pre-promotion analysis failed", seconds: 120);
        Assert.Contains("pre-promotion analysis of revision 2", pre.Message);
        Assert.All(await RolloutUnderLoadTests.VersionsAsync(cluster, "web.dev.localhost", 20), v => Assert.Equal("v1", v));

        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "v3", BlueGreen("postPromotionAnalysis", "sleep 2; exit 1"), replicas: 1));
        await Eventually.WaitAsync(() => Task.FromResult(load.Versions.GetValueOrDefault("v3")), n => n > 0, TimeSpan.FromSeconds(120), "v3 switched to");
        var post = await cluster.WaitForStatusAsync("web", s => s.Phase == "Degraded" && s.CanaryRevision == 3, "post-promotion analysis failed", seconds: 120);
        Assert.Contains("post-promotion analysis of revision 3", post.Message);
        Assert.Equal(1, post.StableRevision);
        Assert.All(await RolloutUnderLoadTests.VersionsAsync(cluster, "web.dev.localhost", 20), v => Assert.Equal("v1", v));
        output.WriteLine(load.Summary());
        Assert.Equal(0, load.Failed);
    }

    [Fact]
    public async Task A_condition_with_a_syntax_error_is_refused_at_apply_with_its_position_and_nothing_is_applied()
    {
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        var path = cluster.WriteSpec("web.yaml", SlipwayCluster.SampleSpec("web", "v1", """
            canary:
              analysis:
                metrics:
                  - name: errors
                    interval: 1s
                    failureCondition: result > && 0.05
                    provider:
                      router: {measure: errorRate}
              steps:
                - setWeight: 20
            """, replicas: 1));

        var (code, stdout, stderr) = await cluster.CliAsync("apply", "-f", path);
        output.WriteLine(stderr);
        Assert.Equal(1, code);
        Assert.Matches(@"web\.yaml:\d+:\d+: spec\.strategy\.canary\.analysis\.metrics\[0\]\.failureCondition: .*\(column 10 of the condition\)", stderr);
        Assert.Contains("nothing was applied", stderr);
        Assert.Equal("", stdout);
        var (listed, apps, _) = await cluster.CliAsync("get", "apps");
        Assert.Equal(0, listed);
        Assert.DoesNotContain("web", apps);
    }

    private static async Task<AnalysisView> AnalysisAsync(SlipwayCluster cluster, string app) =>
        JsonSerializer.Deserialize<AnalysisView>(await cluster.Api.GetStringAsync($"api/v1/apps/{app}/dev/analysis"), SlipwayJson.Options)!;
}
