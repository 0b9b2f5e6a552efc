using Slipway.Core.Analysis;

namespace Slipway.Core.Spec;

public abstract record StrategySpec;

/// <summary>Stop every old instance, then start the new ones. Has downtime by design.</summary>
public sealed record RecreateStrategy : StrategySpec;

/// <summary>Kubernetes Deployment semantics. Defaults 25 % / 25 %; both zero is invalid.</summary>
public sealed record RollingStrategy(IntOrPercent MaxSurge, IntOrPercent MaxUnavailable) : StrategySpec
{
    public static readonly RollingStrategy Default = new(IntOrPercent.Percent(25), IntOrPercent.Percent(25));
}

/// <param name="PreviewRoute">Where the new revision is served before promotion; defaults to host <c>&lt;app&gt;-preview.&lt;env&gt;.localhost</c>.</param>
public sealed record BlueGreenStrategy(bool AutoPromotionEnabled, RouteSpec PreviewRoute, int ScaleDownDelaySeconds) : StrategySpec
{
    public const int DefaultScaleDownDelaySeconds = 30;
    public static string DefaultPreviewHost(string app, string environment) => $"{app}-preview.{environment}.localhost";

    /// <summary>Run on the preview revision before the switch; the switch waits for it to succeed.</summary>
    public AnalysisRef? PrePromotionAnalysis { get; init; }

    /// <summary>Run after the switch; a failure switches back to the previous revision at once.</summary>
    public AnalysisRef? PostPromotionAnalysis { get; init; }
}

public sealed record CanaryStrategy(IReadOnlyList<CanaryStep> Steps) : StrategySpec
{
    /// <summary>Background analysis: runs from its starting step until the rollout ends.</summary>
    public BackgroundAnalysis? Analysis { get; init; }
}

/// <summary>A value that is either a count or a percentage of replicas (<c>1</c> or <c>"25%"</c>).</summary>
public readonly record struct IntOrPercent(int Value, bool IsPercent)
{
    public static IntOrPercent Count(int value) => new(value, false);
    public static IntOrPercent Percent(int value) => new(value, true);

    /// <summary>Resolves against a replica count; surge rounds up, unavailability rounds down (as Kubernetes does).</summary>
    public int Resolve(int total, bool roundUp) =>
        !IsPercent ? Value
        : roundUp ? (int)Math.Ceiling(total * Value / 100.0)
        : (int)Math.Floor(total * Value / 100.0);

    public override string ToString() => IsPercent ? $"{Value}%" : Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
