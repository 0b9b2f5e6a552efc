using Slipway.Core.Analysis.Judge;

namespace Slipway.Core.Analysis;

/// <summary>
/// What a provider read, before conditions judge it: the raw facts of one measurement. Exactly one of
/// <see cref="Value"/> or <see cref="Error"/> is set.
/// </summary>
/// <param name="Value">What conditions see as <c>result</c>.</param>
/// <param name="Canary">Baseline comparison: the canary's value (conditions' <c>canary</c>).</param>
/// <param name="Stable">Baseline comparison: the stable revision's value (conditions' <c>stable</c>).</param>
/// <param name="SampleSize">Router and judge providers: the requests measured, the smaller side's for a comparison;
/// fewer than the metric's <c>minSampleSize</c> makes the measurement inconclusive.</param>
/// <param name="Verdict">The judge's decision, which sets the measurement's phase.</param>
/// <param name="Output">A job's output (its tail, bounded).</param>
/// <param name="Error">Why the provider could not measure.</param>
public sealed record ProviderResult(
    AnalysisValue? Value,
    AnalysisValue? Canary = null,
    AnalysisValue? Stable = null,
    long? SampleSize = null,
    JudgeVerdict? Verdict = null,
    string? Output = null,
    string? Error = null)
{
    public static ProviderResult Failed(string error, string? output = null) => new(null, Output: output, Error: error);
}
