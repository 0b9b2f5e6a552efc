using System.Globalization;

namespace Slipway.Core.Analysis.Judge;

/// <summary>
/// The statistical judge of a baseline comparison: is the canary worse than the stable revision over the same window,
/// with the confidence the analysis asks for? A pure function of one look's counts; docs/judge.md explains the
/// method and gives the simulated false-failure rate and power.
/// <para>
/// Each enabled test (error rates: <see cref="ErrorRateTest"/>; latency: <see cref="LatencyTest"/>) asks whether the
/// canary is worse beyond the margin or tolerance, with a one-sided p-value. α = 1 − confidence is the chance, over
/// the whole analysis, of failing a canary that is no worse; it is split evenly between the tests (Bonferroni) and
/// over the looks (<see cref="LookSpending"/>), because the same question asked every second would otherwise find a
/// "significant" difference by chance sooner or later. The canary fails when any test's p-value is below its share.
/// </para>
/// </summary>
public static class BaselineJudge
{
    /// <summary>Judges one look.</summary>
    /// <param name="settings">Which tests, with which margin, tolerance and confidence.</param>
    /// <param name="canary">The canary's requests, errors and latency bins since the analysis started (or over its window).</param>
    /// <param name="stable">The stable revision's, over the same window.</param>
    /// <param name="look">Which measurement of this metric in this analysis this is, from 1. Without a plan, no two
    /// looks may have the same number; with one, numbers past <paramref name="plannedLooks"/> are fine (measurements
    /// with too little traffic that were not counted) as long as at most that many looks have the traffic to test.</param>
    /// <param name="plannedLooks">The metric's <c>count</c>; null when it measures until the rollout ends.</param>
    /// <param name="minSampleSize">Fewer requests than this on either side: <see cref="JudgeOutcome.NotEnoughData"/>.</param>
    public static JudgeVerdict Judge(JudgeMetricProvider settings, RevisionSample canary, RevisionSample stable, int look, int? plannedLooks, int minSampleSize)
        => Judge(settings, canary, stable, look, plannedLooks, minSampleSize, LookSpending.Default);

    /// <summary>Judges one look, spending α over looks as <paramref name="spending"/> says (the simulations compare).</summary>
    internal static JudgeVerdict Judge(JudgeMetricProvider settings, RevisionSample canary, RevisionSample stable, int look, int? plannedLooks, int minSampleSize, LookSpending spending)
    {
        ArgumentNullException.ThrowIfNull(spending);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(canary);
        ArgumentNullException.ThrowIfNull(stable);
        if (!settings.ErrorRate && !settings.Latency)
        {
            throw new ArgumentException("the judge needs at least one test: errorRate or latency", nameof(settings));
        }

        if (!(settings.Confidence > 0 && settings.Confidence < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(settings), settings.Confidence, "the confidence is between 0 and 1 (exclusive)");
        }

        var needed = Math.Max(1, minSampleSize);
        if (canary.Requests < needed || stable.Requests < needed)
        {
            return new JudgeVerdict(JudgeOutcome.NotEnoughData, 0, [],
                $"not enough traffic to judge: canary {Count(canary.Requests)} requests, stable {Count(stable.Requests)} (at least {Count(needed)} each)");
        }

        var tests = (settings.ErrorRate ? 1 : 0) + (settings.Latency ? 1 : 0);
        var alpha = spending.LevelAt(1 - settings.Confidence, look, plannedLooks) / tests;
        var when = plannedLooks is not { } planned ? $"at look {look}"
            : look <= planned ? $"at look {look} of {planned}"
            : $"at look {look}, past the {planned} planned";
        var results = new List<JudgeTest>(tests);
        if (settings.ErrorRate)
        {
            results.Add(ErrorRate(settings.ErrorRateMargin, canary, stable, alpha, when));
        }

        if (settings.Latency)
        {
            results.Add(Latency(settings.LatencyTolerance, canary, stable, alpha, when));
        }

        // The deciding test when the canary fails, the closest to failing when it passes: the smallest p-value
        // (every test has the same α).
        var decisive = results.MinBy(t => t.PValue)!;
        var outcome = results.Any(t => t.Worse) ? JudgeOutcome.Fail : JudgeOutcome.Pass;
        return new JudgeVerdict(outcome, 1 - decisive.PValue, results, decisive.Summary);
    }

    private static JudgeTest ErrorRate(double margin, RevisionSample canary, RevisionSample stable, double alpha, string when)
    {
        var test = ErrorRateTest.Run(canary.Requests, canary.Errors, stable.Requests, stable.Errors, margin);
        double canaryRate = (double)canary.Errors / canary.Requests, stableRate = (double)stable.Errors / stable.Requests;
        var worse = test.PValue < alpha;
        var than = margin > 0 ? $"worse than stable + {Points(margin)}" : "worse";
        var summary = $"canary error rate {Rate(canaryRate)} vs stable {Rate(stableRate)} ({Count(canary.Requests)} vs {Count(stable.Requests)} requests): "
            + Conclusion(worse, than, test.PValue, alpha, when);
        return new JudgeTest("errorRate", canaryRate, stableRate, canary.Requests, stable.Requests, test.Statistic, test.PValue, alpha, worse, summary);
    }

    private static JudgeTest Latency(double tolerance, RevisionSample canary, RevisionSample stable, double alpha, string when)
    {
        var test = LatencyTest.Run(canary.Latency, stable.Latency, tolerance);
        long canaryCount = canary.Latency.Sum(b => b.Count), stableCount = stable.Latency.Sum(b => b.Count);

        // 0, not NaN, for a side with no latency: verdicts are stored and served as JSON, which has no NaN.
        double canaryMedian = canaryCount > 0 ? LatencyTest.MedianMilliseconds(canary.Latency) : 0;
        double stableMedian = stableCount > 0 ? LatencyTest.MedianMilliseconds(stable.Latency) : 0;
        var worse = test.PValue < alpha;
        var than = tolerance == 1 ? "slower" : $"slower than {tolerance.ToString("0.###", CultureInfo.InvariantCulture)} × stable";
        var summary = canaryCount == 0 || stableCount == 0
            ? $"no latency recorded ({Count(canaryCount)} canary, {Count(stableCount)} stable requests timed): not judged"
            : $"canary median latency {Milliseconds(canaryMedian)} vs stable {Milliseconds(stableMedian)} ({Count(canaryCount)} vs {Count(stableCount)} requests): "
                + Conclusion(worse, than, test.PValue, alpha, when);
        return new JudgeTest("latency", canaryMedian, stableMedian, canaryCount, stableCount, test.Statistic, test.PValue, alpha, worse, summary);
    }

    private static string Conclusion(bool worse, string than, double pValue, double alpha, string when) => worse
        ? $"{than} with {Percent(1 - pValue)} confidence (needed {Needed(alpha)} {when})"
        : $"not {than} (confidence {Percent(1 - pValue)}, needed {Needed(alpha)} {when})";

    /// <summary>A confidence as a percentage with as many decimals as it takes to tell it from 100 %, truncated so as
    /// never to overstate it: 62.1 %, 99.98 %, 99.9995 %.</summary>
    internal static string Percent(double confidence)
    {
        var percent = Math.Clamp(confidence, 0, 1) * 100;
        var rest = 100 - percent;
        if (rest < 1e-4)
        {
            return "> 99.9999%";
        }

        var decimals = rest >= 1 ? 1 : Math.Clamp((int)Math.Ceiling(-Math.Log10(rest)), 1, 4);
        var scale = Math.Pow(10, decimals);
        return (Math.Floor(percent * scale) / scale).ToString("F" + decimals, CultureInfo.InvariantCulture) + "%";
    }

    /// <summary>The confidence a level asks for, to four decimals: 99.25 %, 99.9722 %.</summary>
    internal static string Needed(double alpha) =>
        ((1 - alpha) * 100).ToString("0.0###", CultureInfo.InvariantCulture) + "%";

    /// <summary>An error rate in percent: one decimal, two under 1 % (0.25 %).</summary>
    private static string Rate(double rate) =>
        (rate * 100).ToString(rate >= 0.0095 || rate == 0 ? "0.0" : "0.00", CultureInfo.InvariantCulture) + "%";

    private static string Points(double margin)
    {
        var points = margin * 100;
        return points.ToString("0.##", CultureInfo.InvariantCulture) + (points == 1 ? " point" : " points");
    }

    private static string Milliseconds(double ms) =>
        ms.ToString(ms >= 100 ? "N0" : ms >= 10 ? "0.0" : "0.00", CultureInfo.InvariantCulture) + " ms";

    private static string Count(long count) => count.ToString("N0", CultureInfo.InvariantCulture);
}
