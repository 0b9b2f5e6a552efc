using Slipway.Core.Slo;

namespace Slipway.Core.Tests.Slo;

/// <summary>
/// The gate on new rollouts: closed while an alert fires and the policy blocks rollouts, with a message a tired
/// engineer understands and the command that goes through anyway; open with an override, whose event says who and why.
/// </summary>
public sealed class ErrorBudgetGateTests
{
    [Fact]
    public void A_firing_alert_refuses_the_rollout_with_the_slo_its_burn_rates_and_the_budget_left()
    {
        var decision = ErrorBudgetGate.Decide(Report(SloEvaluatorTests.Evaluate(bad1h: 162, bad5m: 21)), null);

        Assert.False(decision.Allowed);
        Assert.Equal("web/prod is burning its error budget: SLO availability at 16.2× over 1h and 21.0× over 5m (limit 14.4×); 62 % of the 30-day budget left.", decision.Burning);
        Assert.Equal(
            "web/prod is burning its error budget: SLO availability at 16.2× over 1h and 21.0× over 5m (limit 14.4×); 62 % of the 30-day budget left. "
            + "The rollout was not started. To start it anyway: slipway apply … --override-error-budget 'why'",
            ErrorBudgetGate.Refusal([decision.Burning!], "The rollout was not started.", "slipway apply …"));
    }

    [Fact]
    public void Several_refused_app_environments_are_named_one_a_line()
    {
        var web = ErrorBudgetGate.Burning(Report(SloEvaluatorTests.Evaluate(bad1h: 162, bad5m: 21)))!;
        var api = ErrorBudgetGate.Burning(Report(SloEvaluatorTests.Evaluate(bad1h: 200, bad5m: 30), app: "api"))!;

        Assert.Equal(
            $"{web}\n{api}\nNothing was applied. To start it anyway: slipway apply … --override-error-budget 'why'",
            ErrorBudgetGate.Refusal([web, api], "Nothing was applied.", "slipway apply …"));
    }

    [Fact]
    public void An_override_lets_the_rollout_through_and_its_event_says_who_and_why()
    {
        var decision = ErrorBudgetGate.Decide(Report(SloEvaluatorTests.Evaluate(bad1h: 162, bad5m: 21)), new ErrorBudgetOverride("hotfix for the outage", "alice@laptop"));

        Assert.True(decision.Allowed);
        Assert.True(decision.Overridden);
        Assert.StartsWith("rollout started by alice@laptop although the error budget burns too fast: \"hotfix for the outage\" (web/prod is burning its error budget: SLO availability at 16.2×", decision.OverrideEvent, StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_firing_or_a_policy_that_does_not_block_lets_it_through_without_an_event()
    {
        var quiet = ErrorBudgetGate.Decide(Report(SloEvaluatorTests.Evaluate(bad1h: 1, bad5m: 0)), new ErrorBudgetOverride("just in case", "bob"));
        var notBlocking = ErrorBudgetGate.Decide(
            Report(SloEvaluatorTests.Evaluate(bad1h: 162, bad5m: 21), policy: ErrorBudgetPolicy.Default with { BlockRollouts = false }),
            null);

        Assert.Equal(ErrorBudgetDecision.NotBlocked, quiet);
        Assert.Equal(ErrorBudgetDecision.NotBlocked, notBlocking);
    }

    [Fact]
    public void An_overspent_budget_says_so()
    {
        var slo = new SloSpec("availability", new AvailabilityIndicator(), 0.999, TimeSpan.FromDays(30));
        var observation = new SloObservation(slo, SloEvaluator.Windows(slo, ErrorBudgetPolicy.Default).ToDictionary(w => w, _ => new SloCounts(900, 1000)), null);

        var burning = ErrorBudgetGate.Burning(Report(SloEvaluator.Evaluate(observation, ErrorBudgetPolicy.Default)));

        Assert.Equal("web/prod is burning its error budget: SLO availability at 100.0× over 1h and 100.0× over 5m (limit 14.4×); the 30-day budget is spent (10000 % of it used).", burning);
    }

    [Theory]
    [InlineData(0.999, "99.9 %")]
    [InlineData(0.99, "99 %")]
    [InlineData(0.9995, "99.95 %")]
    public void Objectives_read_as_percentages(double objective, string text) => Assert.Equal(text, SloText.Objective(objective));

    [Theory]
    [InlineData(30 * 24 * 60, "30d", "30-day")]
    [InlineData(60, "1h", "1-hour")]
    [InlineData(90, "1h30m", "90-minute")]
    public void Windows_read_as_specs_write_them(int minutes, string window, string adjective)
    {
        Assert.Equal(window, SloText.Window(TimeSpan.FromMinutes(minutes)));
        Assert.Equal(adjective, SloText.WindowAdjective(TimeSpan.FromMinutes(minutes)));
    }

    private static ErrorBudgetReport Report(SloReport slo, string app = "web", ErrorBudgetPolicy? policy = null) =>
        new(app, "prod", policy ?? ErrorBudgetPolicy.Default, [slo]);
}
