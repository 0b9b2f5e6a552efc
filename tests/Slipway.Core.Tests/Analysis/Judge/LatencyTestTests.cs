using Slipway.Core.Analysis.Judge;

namespace Slipway.Core.Tests.Analysis.Judge;

public sealed class LatencyTestTests
{
    [Fact]
    public void Mann_Whitney_counts_ties_as_halves_and_corrects_the_variance_for_them()
    {
        // Three bins; canary 1, 2, 2 requests, stable 3, 2, 0. By ranks: the bins hold ranks 1–4, 5–8 and 9–10 (mid-ranks
        // 2.5, 6.5, 9.5), the canary's rank sum is 2.5 + 2·6.5 + 2·9.5 = 34.5, U = 34.5 − 5·6/2 = 19.5, E[U] = 12.5.
        // Ties of 4, 4 and 2: Var[U] = 5·5/12 · (11 − (60 + 60 + 6)/(10·9)) = 20, z = 7/√20 = 1.5652; with the continuity
        // correction (7 − 0.5)/√20 = 1.4534, p = 0.07305 (R: wilcox.test(exact = FALSE, alternative = "greater")).
        var test = LatencyTest.MannWhitney([1, 2, 2], [3, 2, 0]);

        Assert.Equal(1.5652, test.Statistic, 4);
        Assert.Equal(0.07305, test.PValue, 5);
    }

    [Fact]
    public void Mann_Whitney_without_ties_is_the_textbook_statistic()
    {
        // Canary 4, 6, 7; stable 1, 2, 3, 5 (every value its own bin): U = 3 + 4 + 4 = 11 of 12 pairs, E[U] = 6,
        // Var[U] = 3·4·8/12 = 8, z = 5/√8 = 1.7678, p = 1 − Φ(4.5/√8) = 0.05581.
        var test = LatencyTest.MannWhitney([0, 0, 0, 1, 0, 1, 1], [1, 1, 1, 0, 1, 0, 0]);

        Assert.Equal(1.7678, test.Statistic, 4);
        Assert.Equal(0.05581, test.PValue, 5);
    }

    [Fact]
    public void Everything_in_one_bin_tells_nothing()
    {
        var test = LatencyTest.Run([RouterLatencyBins.At(20, 100)], [RouterLatencyBins.At(20, 400)], 1);

        Assert.Equal(1, test.PValue);
    }

    [Fact]
    public void The_same_distribution_without_a_tolerance_is_even()
    {
        var bins = new[] { RouterLatencyBins.At(10, 30), RouterLatencyBins.At(20, 50), RouterLatencyBins.At(40, 20) };
        var test = LatencyTest.Run(bins, [.. bins.Select(b => b with { Count = b.Count * 4 })], 1);

        Assert.Equal(0, test.Statistic, 12);
        Assert.Equal(0.5, test.PValue, 12);
    }

    [Fact]
    public void The_tolerance_scales_the_stable_bins_and_spreads_them_over_the_canarys()
    {
        // Stable: 10 requests in [100, 120) µs; × 1.1 they are in [110, 132) µs, 10/22 of them below 120 µs and
        // 12/22 above: 50/11 and 60/11 requests in the canary's bins [100, 120) and [120, 140).
        IReadOnlyList<LatencyBin> canary = [new(100, 120, 4), new(120, 140, 6)];
        IReadOnlyList<LatencyBin> stable = [new(100, 120, 10)];

        var scaled = LatencyTest.Run(canary, stable, 1.1);
        var byHand = LatencyTest.MannWhitney([0, 4, 6, 0], [0, 50.0 / 11, 60.0 / 11, 0]);

        Assert.Equal(byHand.Statistic, scaled.Statistic, 12);
        Assert.Equal(byHand.PValue, scaled.PValue, 12);
    }

    [Fact]
    public void Empty_bins_change_nothing()
    {
        var canary = new long[RouterLatencyBins.Count];
        var stable = new long[RouterLatencyBins.Count];
        canary[RouterLatencyBins.IndexOf(20_000)] = 60;
        canary[RouterLatencyBins.IndexOf(30_000)] = 40;
        stable[RouterLatencyBins.IndexOf(20_000)] = 300;
        stable[RouterLatencyBins.IndexOf(25_000)] = 100;

        var everyBin = LatencyTest.Run(RouterLatencyBins.ToBins(canary), RouterLatencyBins.ToBins(stable), 1.1);
        var onlyUsed = LatencyTest.Run(
            [.. RouterLatencyBins.ToBins(canary).Where(b => b.Count > 0)], [.. RouterLatencyBins.ToBins(stable).Where(b => b.Count > 0)], 1.1);

        Assert.Equal(everyBin.Statistic, onlyUsed.Statistic, 12);
        Assert.Equal(everyBin.PValue, onlyUsed.PValue, 12);
    }

    [Fact]
    public void A_canary_slower_than_the_tolerance_is_found_one_inside_it_is_not()
    {
        // Lognormal latencies (median 20 ms on stable, spread 0.5), binned like the router's; tolerance 1.1.
        var stable = RouterLatencyBins.Lognormal(20, 1600);

        Assert.True(LatencyTest.Run(RouterLatencyBins.Lognormal(30, 400), stable, 1.1).PValue < 1e-9);
        Assert.True(LatencyTest.Run(RouterLatencyBins.Lognormal(21, 400), stable, 1.1).PValue > 0.9);
        Assert.True(LatencyTest.Run(RouterLatencyBins.Lognormal(22, 400), stable, 1).PValue < 0.01);
    }

    [Fact]
    public void At_the_tolerance_the_canary_is_even_with_the_scaled_stable_revision()
    {
        // Exactly 1.1 × slower: the spreading within bins is an approximation, but well inside one standard error.
        var test = LatencyTest.Run(RouterLatencyBins.Lognormal(22, 4000), RouterLatencyBins.Lognormal(20, 16000), 1.1);

        Assert.InRange(test.Statistic, -1, 1);
    }

    [Fact]
    public void A_faster_canary_is_not_worse()
    {
        Assert.True(LatencyTest.Run([RouterLatencyBins.At(10, 100)], [RouterLatencyBins.At(20, 400)], 1).PValue > 0.999);
    }

    [Fact]
    public void The_open_ended_last_bin_stays_last()
    {
        // Requests over 33.6 s are the slowest of all; scaled or not, they tie with each other.
        var last = new LatencyBin(1L << 25, double.PositiveInfinity, 0);
        IReadOnlyList<LatencyBin> canary = [RouterLatencyBins.At(20, 90), last with { Count = 10 }];
        IReadOnlyList<LatencyBin> stable = [RouterLatencyBins.At(20, 400)];

        Assert.True(LatencyTest.Run(canary, stable, 1).PValue < 1e-6);
        Assert.Equal(1, LatencyTest.Run([last with { Count = 5 }], [last with { Count = 5 }], 1.1).PValue);
    }

    [Fact]
    public void The_median_is_interpolated_within_its_bin()
    {
        // 10 requests in [10, 12) ms: the 5th of 10 is halfway, 11 ms.
        Assert.Equal(11, LatencyTest.MedianMilliseconds([new(10_000, 12_000, 10)]), 12);

        // 3 in [10, 12) ms then 7 in [12, 14) ms: the median is 2 of 7 into the second bin, 12 + 2·2/7 ms.
        Assert.Equal(12 + (4.0 / 7), LatencyTest.MedianMilliseconds([new(12_000, 14_000, 7), new(10_000, 12_000, 3), new(14_000, 16_000, 0)]), 12);
        Assert.True(double.IsNaN(LatencyTest.MedianMilliseconds([])));
    }

    [Fact]
    public void Bins_that_cannot_be_are_refused()
    {
        Assert.Throws<ArgumentException>(() => LatencyTest.Run([new(20, 10, 1)], [new(10, 20, 1)], 1));
        Assert.Throws<ArgumentException>(() => LatencyTest.Run([new(10, 20, -1)], [new(10, 20, 1)], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => LatencyTest.Run([new(10, 20, 1)], [new(10, 20, 1)], 0));
    }
}
