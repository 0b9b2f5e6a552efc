using System.Text.Json;
using System.Text.Json.Nodes;
using Slipway.Core.Serialization;
using Slipway.EndToEnd.Tests.Harness;
using Slipway.Server.Api;
using Xunit.Abstractions;

namespace Slipway.EndToEnd.Tests;

/// <summary>
/// Error budgets with the real sample service behind the real router, driven by real HTTP requests: a service
/// answering 20 % errors against a 99.9 % SLO burns its budget 200 times too fast; a new release is refused, naming the
/// SLO and its burn rates, and so is a retry; an override goes through and its event records who and why;
/// <c>slipway slo</c> (the real CLI, through the API) shows the burn rates; a restarted server keeps the history. The
/// windows are short so that the test takes seconds: an SLO over 1 h, an alert of 14.4× over 2 m and 1 m.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class SloTests(ITestOutputHelper output)
{
    // A canary that waits for a human at 50 %: the rollout of v2 can be aborted, then retried.
    private const string PausedCanary = """
        canary:
          steps:
            - setWeight: 50
            - pause: {}
        """;

    // Inserted after progressDeadlineSeconds, at the level of spec's fields.
    private const string SloFields = """

          slos:
            - name: availability
              availability: {}
              objective: 99.9%
              window: 1h
          errorBudgetPolicy:
            burnRates:
              - {long: 2m, short: 1m, factor: 14.4}
        """;

    private static readonly Dictionary<string, string?> Alice = new() { ["SLIPWAY_ACTOR"] = "alice@laptop" };

    [Fact]
    public async Task A_service_burning_its_budget_blocks_new_rollouts_until_overridden_and_its_history_survives_a_restart()
    {
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        await cluster.ApplyAsync(Spec("v1"));
        await cluster.WaitForStatusAsync("web", s => s.Phase == "Healthy", "v1 healthy");

        // Real requests through the router; one in five fails.
        await using var load = new LoadGenerator(cluster.RouterPort, "web.dev.localhost", 50).Start();
        var burning = await Eventually.WaitAsync(() => SloAsync(cluster), s => s.BlocksRollouts && s.Slos[0].Total >= 200, TimeSpan.FromSeconds(90), "the availability alert firing");
        var slo = burning.Slos[0];
        output.WriteLine($"{load.Summary()}; {slo.Good}/{slo.Total}, burn rates {string.Join(", ", slo.BurnRates.Select(b => $"{b.LongBurnRate:0.0} over {b.Long}, {b.ShortBurnRate:0.0} over {b.Short}"))}");
        Assert.All(slo.BurnRates, b => Assert.True(b.LongBurnRate > 14.4 && b.ShortBurnRate > 14.4, $"{b.LongBurnRate} {b.ShortBurnRate}"));
        Assert.True(slo.BudgetRemaining < 0, $"budget {slo.BudgetRemaining}");

        // slipway slo, the real CLI through the API: target, budget, burn rates, and that rollouts are refused.
        var (sloExit, sloText, sloErrors) = await cluster.CliAsync("slo", "web");
        output.WriteLine(sloText);
        Assert.True(sloExit == 0, sloErrors);
        Assert.Contains("new rollouts are refused", sloText, StringComparison.Ordinal);
        Assert.Contains("availability  availability  target 99.9 % over 1h  FIRING", sloText, StringComparison.Ordinal);
        Assert.Matches(@"FIRING\s+\d+\.\d× over 2m.*\d+\.\d× over 1m.*\s14\.4×", sloText);
        var (_, sloJson, _) = await cluster.CliAsync("slo", "web", "-o", "json");
        Assert.True(JsonNode.Parse(sloJson)!["slos"]![0]!["burnRates"]![0]!["longBurnRate"]!.GetValue<double>() > 14.4);

        // slipway status says so too.
        var (_, status, _) = await cluster.CliAsync("status", "web");
        Assert.Contains("slo       web/dev is burning its error budget: SLO availability at", status, StringComparison.Ordinal);

        // A new release is refused, naming the SLO and the burn rates: nothing is saved, and the exit code says so.
        var v2 = cluster.WriteSpec("v2.yaml", Spec("v2"));
        var (refusedExit, _, refused) = await cluster.CliAsync("apply", "-f", v2);
        output.WriteLine(refused);
        Assert.Equal(1, refusedExit);
        Assert.Matches(@"web/dev is burning its error budget: SLO availability at \d+\.\d× over 2m( \(over \S+ of data\))? and \d+\.\d× over 1m( \(over \S+ of data\))? \(limit 14\.4×\)", refused);
        Assert.Contains("The rollout was not started: nothing was applied. To start it anyway: slipway apply … --override-error-budget 'why'", refused, StringComparison.Ordinal);
        Assert.Single((await HistoryAsync(cluster)).Revisions);

        // With an override it goes through, and the event says who and why.
        var (appliedExit, applied, appliedErrors) = await cluster.CliAsync(Alice, "apply", "-f", v2, "--override-error-budget", "hotfix for the outage");
        Assert.True(appliedExit == 0, appliedErrors);
        Assert.Contains("revision 2 created; rolling out", applied, StringComparison.Ordinal);
        var overridden = Assert.Single((await HistoryAsync(cluster)).Events, e => e.Reason == "ErrorBudgetOverridden");
        Assert.Equal(2, overridden.Revision);
        Assert.StartsWith("rollout started by alice@laptop although the error budget burns too fast: \"hotfix for the outage\" (web/dev is burning its error budget", overridden.Message, StringComparison.Ordinal);

        // A retry is a new rollout too: refused while the budget burns, let through by an override. An abort never is.
        await cluster.WaitForStatusAsync("web", s => s.Phase == "Paused" && s.CanaryRevision == 2, "v2 paused at 50 %");
        var (abortExit, _, abortErrors) = await cluster.CliAsync("rollout", "abort", "web");
        Assert.True(abortExit == 0, abortErrors);
        var (retryExit, _, retryRefused) = await cluster.CliAsync("rollout", "retry", "web");
        Assert.Equal(1, retryExit);
        Assert.Contains("The rollout was not started. To start it anyway: slipway rollout retry web -e dev --override-error-budget 'why'", retryRefused, StringComparison.Ordinal);
        var (retriedExit, _, retriedErrors) = await cluster.CliAsync(Alice, "rollout", "retry", "web", "--override-error-budget", "the fix is in v2");
        Assert.True(retriedExit == 0, retriedErrors);
        Assert.Contains((await HistoryAsync(cluster)).Events, e => e.Reason == "ErrorBudgetOverridden" && e.Message.Contains("\"the fix is in v2\"", StringComparison.Ordinal));

        // A restarted server keeps the history: the same start, and at least what was counted before.
        var before = (await SloAsync(cluster)).Slos[0];
        await cluster.KillServerAsync();
        await cluster.StartServerAsync();
        var after = (await SloAsync(cluster)).Slos[0];
        output.WriteLine($"before the restart {before.Good}/{before.Total} since {before.DataSince:O}; after {after.Good}/{after.Total} since {after.DataSince:O}");
        Assert.Equal(before.DataSince, after.DataSince);
        Assert.True(after.Total >= before.Total, $"{after.Total} < {before.Total}");

        // And never counts a request twice: the backfill adds only the seconds the first server had not stored.
        var sent = load.Total;
        Assert.True(after.Total <= sent, $"{after.Total} requests recorded, {sent} sent");
        Assert.True(after.Firing);
    }

    private static string Spec(string version) =>
        SlipwayCluster.SampleSpec("web", version, PausedCanary, replicas: 1, extraEnv: "\n    - name: ERROR_RATE\n      value: \"0.2\"", route: SloFields);

    private static async Task<SloView> SloAsync(SlipwayCluster cluster) =>
        JsonSerializer.Deserialize<SloView>(await cluster.Api.GetStringAsync("api/v1/apps/web/dev/slo"), SlipwayJson.Options)!;

    private static async Task<HistoryView> HistoryAsync(SlipwayCluster cluster) =>
        JsonSerializer.Deserialize<HistoryView>(await cluster.Api.GetStringAsync("api/v1/apps/web/dev/history"), SlipwayJson.Options)!;
}
