using Slipway.Core.Analysis.Judge;

namespace Slipway.Core.Analysis;

/// <summary>
/// One measurement of one metric, as persisted and shown: its phase, when it was taken, what was read, and in
/// <see cref="Message"/> why it has that phase (the condition that held, the error, too few requests).
/// </summary>
public sealed record Measurement(string Metric, AnalysisPhase Phase, DateTimeOffset StartedAt, DateTimeOffset FinishedAt)
{
    public AnalysisValue? Value { get; init; }

    public AnalysisValue? Canary { get; init; }

    public AnalysisValue? Stable { get; init; }

    public long? SampleSize { get; init; }

    /// <summary>Fewer requests than <c>minSampleSize</c>: inconclusive whatever the value.</summary>
    public bool LowTraffic { get; init; }

    public JudgeVerdict? Verdict { get; init; }

    public string? Message { get; init; }

    public string? Output { get; init; }
}
