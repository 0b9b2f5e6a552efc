using Slipway.Core.Spec;

namespace Slipway.Core.Analysis;

/// <summary>
/// A <c>kind: AnalysisTemplate</c> document: named metrics, parametrised by <see cref="Args"/>, that rollouts refer to
/// by name (Argo Rollouts' AnalysisTemplate). Templates are global to a Slipway server, like Argo's
/// ClusterAnalysisTemplate: the same template serves every app and environment.
/// </summary>
public sealed record AnalysisTemplate(string Name, IReadOnlyList<AnalysisArg> Args, IReadOnlyList<MetricSpec> Metrics)
{
    public const string Kind = "AnalysisTemplate";

    /// <summary>Where its fields were written, when it was parsed from a file (as <see cref="ApplicationManifest.Source"/>);
    /// not stored: <see cref="Serialization.SlipwayJson"/> leaves it out.</summary>
    public SpecSource? Source { get; init; }
}

/// <summary>
/// An argument: declared by a template (with an optional default <see cref="Value"/>), given by a rollout's
/// analysis reference. Providers' strings use it as <c>{{args.NAME}}</c>.
/// </summary>
public sealed record AnalysisArg(string Name, string? Value);
