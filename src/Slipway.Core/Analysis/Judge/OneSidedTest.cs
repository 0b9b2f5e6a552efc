namespace Slipway.Core.Analysis.Judge;

/// <summary>
/// What one of the judge's tests found, before the correction for looks: <see cref="Statistic"/> is a z-score (how
/// many standard errors the canary is past the margin or tolerance; for the exact test, the pooled z of the same
/// counts, shown for scale) and <see cref="PValue"/> the one-sided p-value of "the canary is no worse".
/// <see cref="Method"/> names the test that produced the p-value.
/// </summary>
internal sealed record OneSidedTest(double Statistic, double PValue, string Method);
