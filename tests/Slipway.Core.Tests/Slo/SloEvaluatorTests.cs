using Slipway.Core.Slo;

namespace Slipway.Core.Tests.Slo;

/// <summary>
/// Multi-window burn-rate alerts as the SRE workbook sets them (14.4× over 1 h and 5 m, 6× over 6 h and 30 m): an alert
/// fires only while both its windows burn faster than its factor; a quiet time burns nothing; a window longer than the
/// data held is computed over what there is and says so.
/// </summary>
public sealed class SloEvaluatorTests
{
    private static readonly SloSpec Availability = new("availability", new AvailabilityIndicator(), 0.999, TimeSpan.FromDays(30));
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private static readonly TimeSpan FiveMinutes = TimeSpan.FromMinutes(5);

    [Fact]
    public void The_windows_to_measure_are_the_slos_and_each_alerts_two_longest_first()
    {
        Assert.Equal(
            [TimeSpan.FromDays(30), TimeSpan.FromHours(6), Hour, TimeSpan.FromMinutes(30), FiveMinutes],
            SloEvaluator.Windows(Availability, ErrorBudgetPolicy.Default));
    }

    [Fact]
    public void An_alert_fires_only_while_both_its_windows_burn_faster_than_its_factor()
    {
        var firing = Evaluate(bad1h: 162, bad5m: 21);           // 16.2× and 21×: an outage going on
        var over = Evaluate(bad1h: 162, bad5m: 0);              // 16.2× over the hour, nothing now: it stopped
        var starting = Evaluate(bad1h: 10, bad5m: 21);          // a spike too short to matter yet

        Assert.True(firing.Firing);
        Assert.Equal(16.2, firing.BurnRates[0].LongBurnRate, precision: 9);
        Assert.Equal(21.0, firing.BurnRates[0].ShortBurnRate, precision: 9);
        Assert.False(firing.BurnRates[1].Firing); // 6h and 30m are quiet in this example
        Assert.False(over.Firing);
        Assert.False(starting.Firing);
    }

    [Fact]
    public void The_budget_is_over_the_slos_window_and_counts_in_requests()
    {
        var report = Evaluate(bad1h: 162, bad5m: 21);

        Assert.Equal(new SloCounts(1_000_000 - 380, 1_000_000), report.Counts);
        Assert.Equal(0.62, report.BudgetRemaining, precision: 9);
        Assert.Equal(1000, report.AllowedErrors, precision: 6);
        Assert.Equal(620, report.RemainingErrors, precision: 6);
        Assert.Equal(TimeSpan.FromDays(30), report.Covered);
    }

    [Fact]
    public void Windows_without_traffic_burn_nothing()
    {
        var quiet = new SloObservation(Availability, SloEvaluator.Windows(Availability, ErrorBudgetPolicy.Default).ToDictionary(w => w, _ => SloCounts.None), null);
        var report = SloEvaluator.Evaluate(quiet, ErrorBudgetPolicy.Default);

        Assert.All(report.BurnRates, b => Assert.Equal((0.0, 0.0), (b.LongBurnRate, b.ShortBurnRate)));
        Assert.False(report.Firing);
        Assert.Equal(1, report.BudgetRemaining);
    }

    [Fact]
    public void With_12_minutes_of_data_the_long_windows_cover_what_there_is_and_say_so()
    {
        var twelve = TimeSpan.FromMinutes(12);
        var counts = new SloCounts(9_838, 10_000); // all the data: 16.2×
        var observation = new SloObservation(
            Availability,
            new Dictionary<TimeSpan, SloCounts> { [TimeSpan.FromDays(30)] = counts, [TimeSpan.FromHours(6)] = counts, [Hour] = counts, [TimeSpan.FromMinutes(30)] = counts, [FiveMinutes] = new(979, 1000) },
            twelve);

        var report = SloEvaluator.Evaluate(observation, ErrorBudgetPolicy.Default);

        Assert.Equal(twelve, report.Covered);
        Assert.Equal((twelve, FiveMinutes), (report.BurnRates[0].LongCovered, report.BurnRates[0].ShortCovered));
        Assert.True(report.Firing);
        Assert.Equal("SLO availability at 16.2× over 1h (over 12m of data) and 21.0× over 5m (limit 14.4×)", SloText.Burning(report));
    }

    [Fact]
    public void An_slo_that_could_not_be_measured_fires_no_alert_and_says_why()
    {
        var report = SloEvaluator.Evaluate(SloObservation.Failed(Availability, "cannot reach Prometheus"), ErrorBudgetPolicy.Default);

        Assert.False(report.Firing);
        Assert.Empty(report.BurnRates);
        Assert.Equal("cannot reach Prometheus", report.Error);
    }

    /// <summary>99.9 % over 30 days: 1,000,000 requests with 380 bad (62 % of the budget left); 10,000 in the last
    /// hour, 1,000 in the last 5 minutes; the 6 h and 30 m windows quiet.</summary>
    internal static SloReport Evaluate(long bad1h, long bad5m, SloSpec? slo = null, ErrorBudgetPolicy? policy = null)
    {
        var observation = new SloObservation(
            slo ?? Availability,
            new Dictionary<TimeSpan, SloCounts>
            {
                [TimeSpan.FromDays(30)] = new(1_000_000 - 380, 1_000_000),
                [TimeSpan.FromHours(6)] = new(60_000, 60_000),
                [Hour] = new(10_000 - bad1h, 10_000),
                [TimeSpan.FromMinutes(30)] = new(5_000, 5_000),
                [FiveMinutes] = new(1_000 - bad5m, 1_000),
            },
            null);
        return SloEvaluator.Evaluate(observation, policy ?? ErrorBudgetPolicy.Default);
    }
}
