using System.Globalization;
using Slipway.Core.Spec;

namespace Slipway.Core.Rollouts;

/// <summary>
/// How canary steps are named to people, the same way everywhere: in events ("step 2/5 done: setWeight 20"), in what
/// commands say they did ("promoted: step 3 of 5 (setWeight 50)") and in the status the CLI draws.
/// </summary>
public static class CanaryStepText
{
    /// <summary>The step's field name in the spec: <c>setWeight</c>, <c>pause</c>, <c>setHeaderRoute</c>, <c>setMirror</c>, <c>analysis</c>.</summary>
    public static string Kind(CanaryStep step) => step switch
    {
        SetWeightStep => "setWeight",
        PauseStep => "pause",
        SetHeaderRouteStep => "setHeaderRoute",
        SetMirrorStep => "setMirror",
        AnalysisStep => "analysis",
        _ => throw new ArgumentOutOfRangeException(nameof(step), step, "unknown canary step"),
    };

    /// <summary>A short text: <c>setWeight 20</c>, <c>pause 30s</c>, <c>pause (until promoted)</c>, <c>setHeaderRoute beta</c>, <c>setMirror 50%</c>,
    /// <c>analysis error-rate, latency</c> (its templates and inline metrics).</summary>
    public static string Describe(CanaryStep step) => step switch
    {
        SetWeightStep w => string.Create(CultureInfo.InvariantCulture, $"setWeight {w.Weight}"),
        PauseStep { Duration: { } d } => $"pause {DurationParser.Format(d)}",
        PauseStep => "pause (until promoted)",
        SetHeaderRouteStep h => h.Match.Count == 0 ? $"setHeaderRoute {h.Name} (removed)" : $"setHeaderRoute {h.Name}",
        SetMirrorStep m => string.Create(CultureInfo.InvariantCulture, $"setMirror {m.Percentage}%"),
        AnalysisStep a => $"analysis {string.Join(", ", a.Analysis.Templates.Concat(a.Analysis.Metrics.Select(m => m.Name)))}",
        _ => throw new ArgumentOutOfRangeException(nameof(step), step, "unknown canary step"),
    };

    /// <summary>"step 3 of 5 (setWeight 50)" for the 0-based <paramref name="index"/>.</summary>
    public static string Position(IReadOnlyList<CanaryStep> steps, int index)
    {
        ArgumentNullException.ThrowIfNull(steps);
        return string.Create(CultureInfo.InvariantCulture, $"step {index + 1} of {steps.Count} ({Describe(steps[index])})");
    }
}
