namespace Slipway.Core.Analysis;

/// <summary>
/// One metric of an analysis, with Argo Rollouts' field names and defaults. Measured every <see cref="Interval"/>
/// (<see cref="Count"/> times, or until the analysis ends when no count is given; once when neither is given), after
/// <see cref="InitialDelay"/>. Each measurement is Successful, Failed, Inconclusive or Error by its conditions; the
/// metric fails when more than <see cref="FailureLimit"/> measurements failed, and so on for the other limits.
/// </summary>
/// <param name="SuccessCondition">A condition over <c>result</c> (see docs/analysis.md); text, parsed when applied.</param>
public sealed record MetricSpec(string Name, MetricProvider Provider)
{
    public const int DefaultConsecutiveErrorLimit = 4;

    /// <summary>
    /// <see cref="FailureLimit"/> -1: failed measurements never fail the metric (Argo Rollouts 1.8), which then
    /// succeeds on <see cref="ConsecutiveSuccessLimit"/> successes in a row, or fails when its count is reached
    /// without them. Only valid with a <see cref="ConsecutiveSuccessLimit"/>.
    /// </summary>
    public const int NoFailureLimit = -1;
    public const int DefaultMinSampleSize = 20;
    public static readonly TimeSpan DefaultMaxExtension = TimeSpan.FromMinutes(5);

    public TimeSpan? Interval { get; init; }

    public int? Count { get; init; }

    public TimeSpan InitialDelay { get; init; }

    public string? SuccessCondition { get; init; }

    public string? FailureCondition { get; init; }

    /// <summary>How many failed measurements the metric tolerates; one more fails it. <see cref="NoFailureLimit"/>: no limit.</summary>
    public int FailureLimit { get; init; }

    public int InconclusiveLimit { get; init; }

    public int ConsecutiveErrorLimit { get; init; } = DefaultConsecutiveErrorLimit;

    /// <summary>The metric succeeds as soon as this many measurements in a row succeeded (Argo 1.8); null: unused.</summary>
    public int? ConsecutiveSuccessLimit { get; init; }

    /// <summary>Measured, shown and recorded; never changes the rollout.</summary>
    public bool DryRun { get; init; }

    /// <summary>
    /// Router and judge providers: a measurement over fewer requests (of the canary; of either side for a baseline
    /// comparison) is inconclusive, never a pass.
    /// </summary>
    public int MinSampleSize { get; init; } = DefaultMinSampleSize;

    /// <summary>What a measurement with too few requests does: see <see cref="LowTrafficPolicy"/>.</summary>
    public LowTrafficPolicy LowTraffic { get; init; } = LowTrafficPolicy.Pause;

    /// <summary>With <see cref="LowTrafficPolicy.Extend"/>: how long measurements may wait for traffic before one
    /// with too few requests counts as inconclusive.</summary>
    public TimeSpan MaxExtension { get; init; } = DefaultMaxExtension;
}

/// <summary>What a measurement on fewer than <see cref="MetricSpec.MinSampleSize"/> requests does.</summary>
public enum LowTrafficPolicy
{
    /// <summary>It is inconclusive and counts against <c>inconclusiveLimit</c> (0 by default): the rollout pauses for a human.</summary>
    Pause,

    /// <summary>It is recorded but does not count, and the analysis goes on measuring, until
    /// <see cref="MetricSpec.MaxExtension"/> has passed since the metric's first measurement; then it counts as
    /// <see cref="Pause"/> does. A step waiting on the analysis is extended meanwhile.</summary>
    Extend,
}
