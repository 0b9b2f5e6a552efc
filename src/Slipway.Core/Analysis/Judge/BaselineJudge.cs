namespace Slipway.Core.Analysis.Judge;

/// <summary>TEMPORARY stand-in with the signature of the judge written on branch <c>judge</c>, so that the judge
/// provider builds and its plumbing can be tested; the lead drops this file when merging.</summary>
public static class BaselineJudge
{
    public static JudgeVerdict Judge(JudgeMetricProvider settings, RevisionSample canary, RevisionSample stable, int look, int? plannedLooks, int minSampleSize)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(canary);
        ArgumentNullException.ThrowIfNull(stable);
        return Math.Min(canary.Requests, stable.Requests) < minSampleSize
            ? new JudgeVerdict(JudgeOutcome.NotEnoughData, 0, [], $"look {look} of {plannedLooks?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}: too few requests")
            : new JudgeVerdict(JudgeOutcome.Pass, 0.5, [], $"look {look} of {plannedLooks?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}: stand-in");
    }
}
