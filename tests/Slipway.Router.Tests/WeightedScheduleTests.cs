using Slipway.Router.Routing;

namespace Slipway.Router.Tests;

public sealed class WeightedScheduleTests
{
    [Theory]
    [InlineData(90, 10)]
    [InlineData(1, 1)]
    [InlineData(3, 7)]
    [InlineData(99_999, 1)]
    [InlineData(0, 5)]
    public void Every_window_of_a_cycle_gives_the_exact_shares(int stable, int canary)
    {
        var schedule = WeightedSchedule.Create([stable, canary])!;
        var picks = new int[2];
        for (ulong n = 1; n <= (ulong)schedule.Length; n++)
        {
            picks[schedule.Pick(n)]++;
        }

        var expected = (double)canary / (stable + canary);
        Assert.InRange((double)picks[1] / schedule.Length, expected - 0.0002, expected + 0.0002);
        if (canary > 0)
        {
            Assert.True(picks[1] >= 1);
        }
    }

    [Fact]
    public void Picks_are_interleaved_not_bunched()
    {
        var schedule = WeightedSchedule.Create([75, 25])!;
        var picks = Enumerable.Range(1, 8).Select(n => schedule.Pick((ulong)n)).ToArray();
        // Never two canary picks in a row at 25 %.
        for (var i = 1; i < picks.Length; i++)
        {
            Assert.False(picks[i] == 1 && picks[i - 1] == 1);
        }

        Assert.Equal(2, picks.Count(p => p == 1));
    }

    [Fact]
    public void No_positive_weight_gives_no_schedule() => Assert.Null(WeightedSchedule.Create([0, 0]));
}
