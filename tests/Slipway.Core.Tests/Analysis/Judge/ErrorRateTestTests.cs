using Slipway.Core.Analysis.Judge;

namespace Slipway.Core.Tests.Analysis.Judge;

public sealed class ErrorRateTestTests
{
    [Fact]
    public void Fishers_exact_test_gives_the_lady_tasting_tea_p_value()
    {
        // Fisher (1935): 3 of 4 cups right, the one-sided p-value is 17/70 — here 3 errors in 4 canary requests
        // against 1 in 4 stable ones.
        var test = ErrorRateTest.Run(canaryRequests: 4, canaryErrors: 3, stableRequests: 4, stableErrors: 1, margin: 0);

        Assert.Equal("Fisher's exact test", test.Method);
        Assert.Equal(17.0 / 70, test.PValue, 12);
    }

    [Fact]
    public void Fishers_exact_test_sums_the_hypergeometric_tail()
    {
        // 5 of 10 canary requests failed, 1 of 10 stable: P(X ≥ 5), X ~ Hypergeometric(N 20, errors 6, drawn 10),
        // = (C(6,5)·C(14,5) + C(6,6)·C(14,4)) / C(20,10) = (6·2002 + 1001) / 184756.
        Assert.Equal(13013.0 / 184756, ErrorRateTest.FisherUpperTail(10, 5, 10, 1), 12);

        // The other way round the canary is better: P(X ≥ 1) = 1 − C(14,10)/C(20,10) = 1 − 1001/184756.
        Assert.Equal(1 - (1001.0 / 184756), ErrorRateTest.FisherUpperTail(10, 1, 10, 5), 12);
    }

    [Fact]
    public void No_errors_on_either_side_is_no_evidence_at_all()
    {
        var test = ErrorRateTest.Run(100, 0, 400, 0, 0);

        Assert.Equal(1, test.PValue);
        Assert.Equal(0, test.Statistic);
    }

    [Fact]
    public void Every_request_failing_on_both_sides_is_no_evidence_either()
    {
        Assert.Equal(1, ErrorRateTest.Run(100, 100, 400, 400, 0).PValue);
    }

    [Fact]
    public void The_exact_test_keeps_a_handful_of_errors_from_failing_a_canary()
    {
        // 4 errors in 100 canary requests against 2 in 400: the z-test says p ≈ 0.002, the exact test
        // P(X ≥ 4 | 6 errors, 100 of 500 requests) ≈ 0.016 — the normal curve knows nothing of so few errors.
        var z = ErrorRateTest.PooledZ(100, 4, 400, 2);
        var test = ErrorRateTest.Run(100, 4, 400, 2, 0);

        Assert.True(ErrorRateTest.UpperTail(z) < 0.003);
        Assert.Equal("Fisher's exact test", test.Method);
        Assert.InRange(test.PValue, 0.015, 0.018);
    }

    [Fact]
    public void Large_counts_use_the_pooled_z_test()
    {
        // 50,300 vs 50,000 errors in 500,000 requests each: p̄ = 0.1003,
        // z = 0.0006 / √(0.1003 · 0.8997 · (2/500,000)) = 0.99867, p = 1 − Φ(z) = 0.15898.
        var test = ErrorRateTest.Run(500_000, 50_300, 500_000, 50_000, 0);

        Assert.Equal("pooled two-proportion z-test", test.Method);
        Assert.Equal(0.99867, test.Statistic, 5);
        Assert.Equal(0.15898, test.PValue, 5);
    }

    [Fact]
    public void The_pooled_z_statistic_is_the_textbook_one()
    {
        // 60 vs 40 errors in 500 requests each: p̄ = 0.1, z = 0.04 / √(0.1 · 0.9 · 2/500) = 2.10819.
        Assert.Equal(2.10819, ErrorRateTest.PooledZ(500, 60, 500, 40), 5);
        Assert.Equal(0.017507, ErrorRateTest.UpperTail(2.10819), 6);
    }

    [Fact]
    public void Where_the_z_test_takes_over_it_agrees_with_the_exact_test_far_in_the_tail()
    {
        // A 20/80 split and 64,000 errors in all: the canary's count has a conditional variance of 10,109, just over
        // the limit (mean 12,800, sd 100.5); 13,242 is 4.4 sd high, p ≈ 10⁻⁵, the level a late look tests at.
        const long canary = 1_000_000, stable = 4_000_000, canaryErrors = 13_242, stableErrors = 64_000 - canaryErrors;
        var exact = ErrorRateTest.FisherUpperTail(canary, canaryErrors, stable, stableErrors);
        var test = ErrorRateTest.Run(canary, canaryErrors, stable, stableErrors, 0);

        Assert.Equal("pooled two-proportion z-test", test.Method);
        Assert.InRange(exact, 1e-6, 1e-4);
        Assert.InRange(test.PValue / exact, 0.9, 1.1);
    }

    [Fact]
    public void A_margin_uses_Farrington_and_Manning()
    {
        // 30 errors in 1,000 canary requests, 10 in 1,000 stable, margin 1 point: the rates that maximise the
        // likelihood with canary = stable + 0.01 are 0.0236858 and 0.0136858 (found by bisection on the score),
        // z = (0.03 − 0.01 − 0.01) / √(0.0236858·0.9763142/1000 + 0.0136858·0.9863142/1000) = 1.65242, p = 0.04922.
        var test = ErrorRateTest.Run(1000, 30, 1000, 10, 0.01);

        Assert.Equal("Farrington–Manning z-test", test.Method);
        Assert.Equal(1.65242, test.Statistic, 5);
        Assert.Equal(0.04922, test.PValue, 5);
    }

    [Theory]
    [InlineData(1000, 30, 4000, 40, 0.01, 0.0211761, 0.0111761)]
    [InlineData(100, 5, 400, 4, 0.02, 0.0317234, 0.0117234)]
    [InlineData(200, 0, 800, 0, 0.01, 0.01, 0)]
    public void Farrington_and_Manning_rates_maximise_the_likelihood_under_the_margin(long n1, long e1, long n2, long e2, double margin, double canary, double stable)
    {
        // Expected values: the maximum of the constrained likelihood found by bisection on its derivative.
        var rates = ErrorRateTest.RestrictedRates(n1, e1, n2, e2, margin);

        Assert.Equal(canary, rates.Canary, 6);
        Assert.Equal(stable, rates.Stable, 6);
    }

    [Fact]
    public void A_vanishing_margin_is_the_pooled_test()
    {
        Assert.Equal(ErrorRateTest.PooledZ(1000, 30, 4000, 40), ErrorRateTest.FarringtonManningZ(1000, 30, 4000, 40, 1e-12), 6);
    }

    [Fact]
    public void With_a_margin_no_errors_on_either_side_is_no_worse()
    {
        // The restricted rates are 1 % and 0: z = −0.01 / √(0.01·0.99/200) = −1.4213, p = 0.9224.
        var test = ErrorRateTest.Run(200, 0, 800, 0, 0.01);

        Assert.Equal(-1.4213, test.Statistic, 4);
        Assert.Equal(0.9224, test.PValue, 4);
    }

    [Fact]
    public void A_canary_inside_the_margin_is_not_worse_one_past_it_is()
    {
        // Stable 1 %, margin 2 points: 2 % is well inside, 6 % well past, both on 2,000 and 8,000 requests.
        Assert.True(ErrorRateTest.Run(2000, 40, 8000, 80, 0.02).PValue > 0.9);
        Assert.True(ErrorRateTest.Run(2000, 120, 8000, 80, 0.02).PValue < 1e-4);
    }

    [Fact]
    public void Counts_that_cannot_be_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ErrorRateTest.Run(10, 11, 10, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ErrorRateTest.Run(0, 0, 10, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ErrorRateTest.Run(10, 1, 10, 0, 1));
    }
}
