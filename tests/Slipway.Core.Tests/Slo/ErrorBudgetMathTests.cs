using Slipway.Core.Slo;

namespace Slipway.Core.Tests.Slo;

/// <summary>
/// The arithmetic of error budgets against the numbers of the Google SRE workbook, chapter 5 ("Alerting on SLOs"), for
/// its 99.9 % SLO over 30 days: a burn rate of 1 spends the budget in exactly the window; 14.4 over an hour spends 2 %
/// of it, 6 over six hours 5 %, 1 over three days 10 %; 100 % errors spend it all in 43 minutes.
/// </summary>
public sealed class ErrorBudgetMathTests
{
    private const double Objective = 0.999;
    private static readonly TimeSpan Month = TimeSpan.FromDays(30);

    [Theory]
    [InlineData(1, 1000, 1)]        // 0.1 % errors: exactly the budget
    [InlineData(144, 10_000, 14.4)] // 1.44 %: the workbook's page alert
    [InlineData(6, 1000, 6)]        // 0.6 %: its second page alert
    [InlineData(1000, 1000, 1000)]  // every request failing
    [InlineData(0, 1000, 0)]
    public void The_burn_rate_is_the_error_ratio_over_the_budget(long bad, long total, double burnRate)
    {
        Assert.Equal(burnRate, ErrorBudgetMath.BurnRate(new SloCounts(total - bad, total), Objective), precision: 9);
    }

    [Theory]
    [InlineData(14.4, 1, 0.02)]   // page: 2 % of the budget in an hour
    [InlineData(6, 6, 0.05)]      // page: 5 % in six hours
    [InlineData(1, 72, 0.10)]     // ticket: 10 % in three days
    [InlineData(1, 720, 1.0)]     // a burn rate of 1 spends it all in the window
    public void The_workbooks_alerts_spend_the_share_of_the_budget_it_gives(double burnRate, double hours, double spent)
    {
        Assert.Equal(spent, ErrorBudgetMath.BudgetSpent(burnRate, TimeSpan.FromHours(hours), Month), precision: 9);
    }

    [Fact]
    public void Every_request_failing_spends_a_30_day_budget_in_43_minutes()
    {
        var burnRate = ErrorBudgetMath.BurnRate(new SloCounts(0, 500), Objective);

        Assert.Equal(TimeSpan.FromMinutes(43.2), Month / burnRate);
    }

    [Fact]
    public void An_hour_at_14_4_times_in_a_month_of_steady_traffic_leaves_98_percent_of_the_budget()
    {
        // 1,000 requests a minute for 30 days; in one of its hours 1.44 % of them failed.
        const double perMinute = 1000;
        var total = perMinute * Month.TotalMinutes;
        var bad = 0.0144 * perMinute * 60;
        var month = new SloCounts(total - bad, total);

        Assert.Equal(43_200, ErrorBudgetMath.AllowedErrors(month, Objective), precision: 6);
        Assert.Equal(0.98, ErrorBudgetMath.BudgetRemaining(month, Objective), precision: 9);
        Assert.Equal(43_200 - 864, ErrorBudgetMath.RemainingErrors(month, Objective), precision: 6);
    }

    [Fact]
    public void No_traffic_burns_nothing_and_leaves_the_whole_budget()
    {
        Assert.Equal(0, ErrorBudgetMath.BurnRate(SloCounts.None, Objective));
        Assert.Equal(1, ErrorBudgetMath.BudgetRemaining(SloCounts.None, Objective));
        Assert.Equal(0, SloCounts.None.ErrorRatio);
    }

    [Fact]
    public void A_budget_spent_twice_over_is_minus_100_percent()
    {
        var counts = new SloCounts(99_800, 100_000); // 200 bad where 100 were allowed

        Assert.Equal(-1, ErrorBudgetMath.BudgetRemaining(counts, Objective), precision: 9);
        Assert.Equal(-100, ErrorBudgetMath.RemainingErrors(counts, Objective), precision: 6);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1.5)]
    public void An_objective_outside_0_to_1_has_no_budget(double objective)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ErrorBudgetMath.BurnRate(new SloCounts(1, 2), objective));
    }
}
