namespace Slipway.Core.Analysis.Judge;

/// <summary>What a revision served over a window, as the judge compares it: requests, errors and latency bins.</summary>
public sealed record RevisionSample(long Requests, long Errors, IReadOnlyList<LatencyBin> Latency);

/// <summary>Requests whose latency was in [<see cref="LowerMicroseconds"/>, <see cref="UpperMicroseconds"/>) (the
/// router's log-linear buckets; the last one's upper bound is +∞).</summary>
public sealed record LatencyBin(double LowerMicroseconds, double UpperMicroseconds, long Count);

public enum JudgeOutcome
{
    /// <summary>No test found the canary worse with the confidence asked for.</summary>
    Pass,

    /// <summary>At least one test found the canary worse with the confidence asked for.</summary>
    Fail,

    /// <summary>Too few requests on one side to judge.</summary>
    NotEnoughData,
}

/// <summary>The judge's decision on one look, with every test it ran.</summary>
/// <param name="Confidence">For Fail, the confidence of the deciding test; for Pass, that of the test closest to failing.</param>
public sealed record JudgeVerdict(JudgeOutcome Outcome, double Confidence, IReadOnlyList<JudgeTest> Tests, string Summary);

/// <summary>
/// One test of one look. <see cref="Canary"/> and <see cref="Stable"/> are what it compares (error rates 0 to 1;
/// median latencies in milliseconds); <see cref="PValue"/> is one-sided (canary worse beyond the margin or
/// tolerance); <see cref="Alpha"/> the level this look tests at after the correction for looks; the canary is
/// <see cref="Worse"/> when <c>PValue &lt; Alpha</c>.
/// </summary>
public sealed record JudgeTest(string Name, double Canary, double Stable, long CanaryCount, long StableCount, double Statistic, double PValue, double Alpha, bool Worse, string Summary);
