using Slipway.Core.Analysis.Judge;

namespace Slipway.Core.Tests.Analysis.Judge;

public sealed class LookSpendingTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(10)]
    [InlineData(600)]
    public void The_looks_of_a_planned_analysis_spend_exactly_alpha(int planned)
    {
        foreach (var spending in new[] { LookSpending.Default, LookSpending.Even })
        {
            var spent = Enumerable.Range(1, planned).Sum(k => spending.LevelAt(0.01, k, planned));

            Assert.Equal(0.01, spent, 12);
        }
    }

    [Fact]
    public void The_last_planned_look_gets_three_quarters_of_alpha()
    {
        // 10 looks at α = 0.01: the last at 0.0075, the nine before it at 0.0025/9 each.
        Assert.Equal(0.0075, LookSpending.Default.LevelAt(0.01, 10, 10), 15);
        Assert.Equal(0.0025 / 9, LookSpending.Default.LevelAt(0.01, 1, 10), 15);
        Assert.Equal(0.01, LookSpending.Default.LevelAt(0.01, 1, 1), 15);

        // Two looks: three quarters is more than the even half.
        Assert.Equal(0.0025, LookSpending.Default.LevelAt(0.01, 1, 2), 15);
    }

    [Fact]
    public void The_even_split_is_alpha_over_the_looks()
    {
        Assert.Equal(0.001, LookSpending.Even.LevelAt(0.01, 1, 10), 15);
        Assert.Equal(0.001, LookSpending.Even.LevelAt(0.01, 10, 10), 15);
    }

    [Fact]
    public void Without_a_plan_half_of_alpha_is_spent_by_the_tenth_look_and_never_more_than_alpha()
    {
        // α·10/((k + 10)(k + 9)): α/11 at look 1, α/38 at look 10, and α·k/(k + 10) by look k.
        Assert.Equal(0.01 / 11, LookSpending.Default.LevelAt(0.01, 1, null), 15);
        Assert.Equal(0.01 / 38, LookSpending.Default.LevelAt(0.01, 10, null), 15);
        Assert.Equal(0.005, Enumerable.Range(1, 10).Sum(k => LookSpending.Default.LevelAt(0.01, k, null)), 12);
        var spent = Enumerable.Range(1, 100_000).Sum(k => LookSpending.Default.LevelAt(0.01, k, null));
        Assert.Equal(0.01 * 100_000 / 100_010, spent, 12);
    }

    [Fact]
    public void The_textbook_split_without_a_plan_is_alpha_over_k_times_k_plus_one()
    {
        Assert.Equal(0.005, LookSpending.Even.LevelAt(0.01, 1, null), 15);
        Assert.Equal(0.01 / 110, LookSpending.Even.LevelAt(0.01, 10, null), 15);
    }

    [Fact]
    public void A_look_past_the_plan_after_looks_without_traffic_takes_the_smallest_planned_share()
    {
        // 10 planned looks, the first two without traffic (not counted, lowTraffic: extend): looks 3 to 12 test. Looks
        // 11 and 12 stand in for 1 and 2, and the ten looks that tested spend no more than α.
        Assert.Equal(0.0025 / 9, LookSpending.Default.LevelAt(0.01, 11, 10), 15);
        Assert.Equal(0.0025 / 9, LookSpending.Default.LevelAt(0.01, 12, 10), 15);
        Assert.True(Enumerable.Range(3, 10).Sum(k => LookSpending.Default.LevelAt(0.01, k, 10)) <= 0.01);
        Assert.Equal(0.01, LookSpending.Default.LevelAt(0.01, 2, 1), 15);
    }

    [Fact]
    public void A_look_before_the_first_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LookSpending.Default.LevelAt(0.01, 0, null));
        Assert.Throws<ArgumentOutOfRangeException>(() => LookSpending.Default.LevelAt(0.01, 1, 0));
    }
}
