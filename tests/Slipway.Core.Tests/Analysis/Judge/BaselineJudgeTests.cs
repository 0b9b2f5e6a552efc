using Slipway.Core.Analysis;
using Slipway.Core.Analysis.Judge;

namespace Slipway.Core.Tests.Analysis.Judge;

public sealed class BaselineJudgeTests
{
    private static readonly JudgeMetricProvider ErrorRates = new(ErrorRate: true, Latency: false, 0, 1.1, 0.99, null);
    private static readonly JudgeMetricProvider Both = new(ErrorRate: true, Latency: true, 0, 1.1, 0.99, null);

    [Fact]
    public void Too_few_requests_on_either_side_is_not_enough_data_never_a_pass()
    {
        var verdict = BaselineJudge.Judge(Both, Sample(12, 0), Sample(400, 4), look: 1, plannedLooks: 10, minSampleSize: 20);

        Assert.Equal(JudgeOutcome.NotEnoughData, verdict.Outcome);
        Assert.Empty(verdict.Tests);
        Assert.Equal("not enough traffic to judge: canary 12 requests, stable 400 (at least 20 each)", verdict.Summary);
        Assert.Equal(JudgeOutcome.NotEnoughData, BaselineJudge.Judge(Both, Sample(400, 4), Sample(19, 0), 1, 10, 20).Outcome);
        Assert.Equal(JudgeOutcome.NotEnoughData, BaselineJudge.Judge(Both, Sample(0, 0), Sample(0, 0), 1, null, 0).Outcome);
    }

    [Fact]
    public void A_canary_with_clearly_more_errors_fails_and_says_how_sure_the_judge_is()
    {
        // 31 errors in 1,012 requests against 40 in 4,020: Fisher's exact p = 4.94 · 10⁻⁶. Look 4 of 10 tests at
        // α = 0.01 · ¼ / 9 = 2.78 · 10⁻⁴.
        var verdict = BaselineJudge.Judge(ErrorRates, Sample(1012, 31), Sample(4020, 40), look: 4, plannedLooks: 10, minSampleSize: 20);

        Assert.Equal(JudgeOutcome.Fail, verdict.Outcome);
        Assert.Equal(1 - 4.9423e-6, verdict.Confidence, 9);
        var test = Assert.Single(verdict.Tests);
        Assert.Equal("errorRate", test.Name);
        Assert.Equal(31.0 / 1012, test.Canary, 12);
        Assert.Equal(40.0 / 4020, test.Stable, 12);
        Assert.Equal((1012, 4020), (test.CanaryCount, test.StableCount));
        Assert.Equal(0.0025 / 9, test.Alpha, 15);
        Assert.True(test.Worse);
        Assert.Equal(
            "canary error rate 3.1% vs stable 1.0% (1,012 vs 4,020 requests): worse with 99.9995% confidence (needed 99.9722% at look 4 of 10)",
            verdict.Summary);
    }

    [Fact]
    public void A_canary_with_about_the_same_errors_passes_with_the_confidence_it_was_from_failing()
    {
        // 14 in 1,000 against 40 in 4,000: p = 0.1763. The last of 10 looks tests at 0.0075.
        var verdict = BaselineJudge.Judge(ErrorRates, Sample(1000, 14), Sample(4000, 40), look: 10, plannedLooks: 10, minSampleSize: 20);

        Assert.Equal(JudgeOutcome.Pass, verdict.Outcome);
        Assert.Equal(1 - 0.17630, verdict.Confidence, 5);
        Assert.Equal("canary error rate 1.4% vs stable 1.0% (1,000 vs 4,000 requests): not worse (confidence 82.3%, needed 99.25% at look 10 of 10)", verdict.Summary);
    }

    [Fact]
    public void The_last_look_of_a_plan_fails_what_an_earlier_one_would_not()
    {
        // 22 in 1,000 against 40 in 4,000: p = 0.0031, above look 9's 0.00028, below look 10's 0.0075.
        Assert.Equal(JudgeOutcome.Pass, BaselineJudge.Judge(ErrorRates, Sample(1000, 22), Sample(4000, 40), 9, 10, 20).Outcome);
        Assert.Equal(JudgeOutcome.Fail, BaselineJudge.Judge(ErrorRates, Sample(1000, 22), Sample(4000, 40), 10, 10, 20).Outcome);
    }

    [Fact]
    public void A_look_past_the_plan_says_so()
    {
        var verdict = BaselineJudge.Judge(ErrorRates, Sample(1000, 10), Sample(4000, 40), look: 12, plannedLooks: 10, minSampleSize: 20);

        Assert.Equal(0.0025 / 9, verdict.Tests[0].Alpha, 15);
        Assert.EndsWith("at look 12, past the 10 planned)", verdict.Summary);
    }

    [Fact]
    public void Two_tests_share_alpha_and_the_closest_one_speaks_for_the_verdict()
    {
        IReadOnlyList<LatencyBin> stable = [RouterLatencyBins.At(20, 4000)];
        IReadOnlyList<LatencyBin> slower = [RouterLatencyBins.At(20, 500), RouterLatencyBins.At(40, 500)];

        var verdict = BaselineJudge.Judge(Both, new(1000, 10, slower), new(4000, 40, stable), look: 1, plannedLooks: null, minSampleSize: 20);

        Assert.Equal(JudgeOutcome.Fail, verdict.Outcome);
        Assert.Equal(["errorRate", "latency"], verdict.Tests.Select(t => t.Name));
        Assert.All(verdict.Tests, t => Assert.Equal(0.01 / 11 / 2, t.Alpha, 15));
        var latency = verdict.Tests[1];
        Assert.True(latency.Worse);
        Assert.False(verdict.Tests[0].Worse);
        Assert.Equal(1 - latency.PValue, verdict.Confidence);
        Assert.StartsWith("canary median latency 20.5 ms vs stable 18.4 ms (1,000 vs 4,000 requests): slower than 1.1 × stable with ", verdict.Summary);
        Assert.EndsWith("at look 1)", verdict.Summary);
    }

    [Fact]
    public void A_margin_is_named_in_the_summary()
    {
        var settings = ErrorRates with { ErrorRateMargin = 0.01 };

        var verdict = BaselineJudge.Judge(settings, Sample(1000, 60), Sample(4000, 40), 1, 1, 20);

        Assert.Equal(JudgeOutcome.Fail, verdict.Outcome);
        Assert.Contains("worse than stable + 1 point with", verdict.Summary);
    }

    [Fact]
    public void No_latency_recorded_is_not_judged()
    {
        var settings = Both with { ErrorRate = false };

        var verdict = BaselineJudge.Judge(settings, new(100, 0, []), new(400, 0, []), 1, null, 20);

        Assert.Equal(JudgeOutcome.Pass, verdict.Outcome);
        Assert.Equal(0, verdict.Confidence);
        Assert.Equal((0, 0), (verdict.Tests[0].Canary, verdict.Tests[0].Stable));
        Assert.Equal("no latency recorded (0 canary, 0 stable requests timed): not judged", verdict.Summary);
    }

    [Fact]
    public void Settings_that_judge_nothing_are_refused()
    {
        Assert.Throws<ArgumentException>(() => BaselineJudge.Judge(Both with { ErrorRate = false, Latency = false }, Sample(100, 0), Sample(100, 0), 1, null, 20));
        Assert.Throws<ArgumentOutOfRangeException>(() => BaselineJudge.Judge(Both with { Confidence = 1 }, Sample(100, 0), Sample(100, 0), 1, null, 20));
    }

    [Theory]
    [InlineData(0.8237, "82.3%")]
    [InlineData(0.99985, "99.98%")]
    [InlineData(0.999995, "99.9995%")]
    [InlineData(0.99999999, "> 99.9999%")]
    [InlineData(0, "0.0%")]
    public void Confidences_show_as_many_decimals_as_tell_them_from_certainty_and_never_round_up(double confidence, string shown)
    {
        Assert.Equal(shown, BaselineJudge.Percent(confidence));
    }

    private static RevisionSample Sample(long requests, long errors) =>
        new(requests, errors, [RouterLatencyBins.At(20, requests)]);
}
