using Slipway.Core.Analysis;
using Slipway.Core.Analysis.Judge;

namespace Slipway.Core.Tests.Analysis.Judge;

/// <summary>
/// Many analyses of one scenario, simulated as the router would count them: each second the canary and the stable
/// revision serve their requests, and every judge under study looks at the cumulative counts. For each judge, how many
/// analyses it failed and at which look.
/// </summary>
internal static class SimulatedAnalysis
{
    public static IReadOnlyList<Outcome> Run(Scenario scenario, IReadOnlyList<JudgeSetup> judges, int analyses, int seed)
    {
        var random = new SplitMix64((ulong)seed);
        var failedAt = judges.Select(_ => new List<int>()).ToArray();
        for (var a = 0; a < analyses; a++)
        {
            var canary = new SimulatedRevision(scenario.CanaryErrorRate, scenario.CanaryMedianMilliseconds);
            var stable = new SimulatedRevision(scenario.StableErrorRate, scenario.StableMedianMilliseconds);
            var failed = new bool[judges.Count];
            for (var look = 1; look <= scenario.Looks && failed.Contains(false); look++)
            {
                canary.Serve(random, scenario.CanaryPerSecond);
                stable.Serve(random, scenario.StablePerSecond);
                RevisionSample canarySample = canary.Sample(), stableSample = stable.Sample();
                for (var j = 0; j < judges.Count; j++)
                {
                    var judge = judges[j];
                    if (failed[j] || look > (judge.PlannedLooks ?? int.MaxValue))
                    {
                        continue;
                    }

                    var verdict = BaselineJudge.Judge(judge.Settings, canarySample, stableSample, look, judge.PlannedLooks, MetricSpec.DefaultMinSampleSize, judge.Spending);
                    if (verdict.Outcome == JudgeOutcome.Fail)
                    {
                        failed[j] = true;
                        failedAt[j].Add(look);
                    }
                }
            }
        }

        return [.. judges.Select((judge, j) => new Outcome(judge, analyses, failedAt[j]))];
    }

    /// <summary>Two revisions' traffic: errors, median latency (lognormal, spread 0.5), requests per second; one look a
    /// second for <see cref="Looks"/> seconds.</summary>
    internal sealed record Scenario(double CanaryErrorRate, double StableErrorRate, int CanaryPerSecond, int StablePerSecond, double CanaryMedianMilliseconds = 20, double StableMedianMilliseconds = 20, int Looks = 10);

    internal sealed record JudgeSetup(string Name, JudgeMetricProvider Settings, int? PlannedLooks, LookSpending Spending);

    internal sealed record Outcome(JudgeSetup Judge, int Analyses, IReadOnlyList<int> FailedAt)
    {
        public double FailedShare => (double)FailedAt.Count / Analyses;

        /// <summary>The share of analyses failed at look <paramref name="look"/> or before.</summary>
        public double FailedBy(int look) => (double)FailedAt.Count(k => k <= look) / Analyses;

        /// <summary>The first look by which <paramref name="share"/> of the analyses had failed; null if none did.</summary>
        public int? LookBy(double share) =>
            FailedAt.Count >= share * Analyses ? FailedAt.Order().ElementAt((int)Math.Ceiling(share * Analyses) - 1) : null;

        public override string ToString()
        {
            var median = LookBy(0.5) is { } half ? $"; half by look {half}" : "";
            var most = LookBy(0.95) is { } look ? $"; 95% by look {look}" : "";
            return $"{Judge.Name}: failed {FailedAt.Count} of {Analyses} ({FailedShare * 100:F2}%; {FailedBy(1) * 100:F1}% at look 1{median}{most})";
        }
    }
}
