using Slipway.Core.Slo;

namespace Slipway.Server.Tests.Slo;

/// <summary>
/// The gate on new rollouts over a real router and store: a service failing a quarter of its requests against a
/// 99.9 % SLO burns its budget 250 times too fast and a rollout is refused with the SLO, the burn rates and the
/// budget; an override goes through with an event naming who and why; a healthy or quiet service, or an SLO that could
/// not be measured, blocks nothing.
/// </summary>
public sealed class ErrorBudgetServiceTests
{
    [Fact]
    public async Task A_burning_budget_refuses_a_rollout_and_an_override_lets_it_through_with_who_and_why()
    {
        await using var h = await SloHarness.StartAsync(errorEvery: 4);
        await h.Router.SendAsync(revision: 1, count: 40);
        h.Time.Advance(TimeSpan.FromSeconds(3));

        var refused = await h.ErrorBudget.CheckAsync("web", "prod", null, CancellationToken.None);
        var overridden = await h.ErrorBudget.CheckAsync("web", "prod", new ErrorBudgetOverride("hotfix for the outage", "alice@laptop"), CancellationToken.None);

        Assert.False(refused.Allowed);
        Assert.Equal(
            "web/prod is burning its error budget: SLO availability at 250.0× over 2m (over 3s of data) and 250.0× over 1m (over 3s of data) (limit 14.4×); "
            + "the 1-hour budget is spent (25000 % of it used).",
            refused.Burning);
        Assert.True(overridden.Allowed);
        Assert.StartsWith("rollout started by alice@laptop although the error budget burns too fast: \"hotfix for the outage\" (web/prod is burning", overridden.OverrideEvent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_healthy_service_a_quiet_one_and_a_policy_that_does_not_block_let_rollouts_start()
    {
        await using var healthy = await SloHarness.StartAsync(errorEvery: 0);
        Assert.Equal(ErrorBudgetDecision.NotBlocked, await healthy.ErrorBudget.CheckAsync("web", "prod", null, CancellationToken.None)); // no traffic yet
        await healthy.Router.SendAsync(revision: 1, count: 40);
        healthy.Time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(ErrorBudgetDecision.NotBlocked, await healthy.ErrorBudget.CheckAsync("web", "prod", null, CancellationToken.None));
        Assert.Equal(ErrorBudgetDecision.NotBlocked, await healthy.ErrorBudget.CheckAsync("api", "prod", null, CancellationToken.None)); // no such app

        await using var notBlocking = await SloHarness.StartAsync(errorEvery: 4, policy: "    blockRollouts: false");
        await notBlocking.Router.SendAsync(revision: 1, count: 40);
        notBlocking.Time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(ErrorBudgetDecision.NotBlocked, await notBlocking.ErrorBudget.CheckAsync("web", "prod", null, CancellationToken.None));
        await notBlocking.Recorder.RecordAsync(notBlocking.App, CancellationToken.None); // status reads what is recorded
        Assert.Contains("rollouts still start", await notBlocking.ErrorBudget.StatusLineAsync(notBlocking.App, CancellationToken.None), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_report_has_every_slo_and_one_that_cannot_be_measured_says_why_and_blocks_nothing()
    {
        await using var h = await SloHarness.StartAsync(
            errorEvery: 0,
            slos: "    - {name: checkout, prometheus: {address: 'http://127.0.0.1:1', good: 'sum(increase(ok[{{window}}]))', total: 'sum(increase(all[{{window}}]))'}, objective: 99%}");
        await h.Router.SendAsync(revision: 1, count: 10);
        h.Time.Advance(TimeSpan.FromSeconds(3));

        var report = await h.ErrorBudget.ReportAsync(h.App, record: true, CancellationToken.None);

        Assert.Equal(["availability", "checkout"], report.Slos.Select(s => s.Slo.Name));
        Assert.Equal(new SloCounts(10, 10), report.Slos[0].Counts);
        Assert.Equal(1, report.Slos[0].BudgetRemaining);
        Assert.StartsWith("over 30d, good: cannot reach Prometheus at http://127.0.0.1:1", report.Slos[1].Error, StringComparison.Ordinal);
        Assert.False(report.Firing);
    }

    [Theory]
    [InlineData("sum(increase(ok{app=\"{{app}}\",env=\"{{ environment }}\"}[{{window}}]))", 30 * 24 * 60, "sum(increase(ok{app=\"web\",env=\"prod\"}[30d]))")]
    [InlineData("sum(rate(x[{{ window }}]))", 90, "sum(rate(x[1h30m]))")]
    public void Prometheus_queries_get_each_window_as_prometheus_writes_ranges(string query, int minutes, string sent) =>
        Assert.Equal(sent, Slipway.Server.Slo.SloMeasurer.Query(query, "web", "prod", TimeSpan.FromMinutes(minutes)));
}
