using Slipway.Core.Analysis;
using Slipway.Core.Images;

namespace Slipway.Core.Spec;

/// <summary>
/// The outcome of parsing spec files. Either every document is valid and <see cref="Manifests"/>,
/// <see cref="Templates"/> and <see cref="Policies"/> hold them all, each in file order, or <see cref="Errors"/> lists
/// every problem and all three are empty: a file is never half accepted.
/// </summary>
public sealed record SpecParseResult(IReadOnlyList<ApplicationManifest> Manifests, IReadOnlyList<SpecError> Errors)
{
    public bool IsValid => Errors.Count == 0;

    /// <summary>The <c>kind: AnalysisTemplate</c> documents, in file order, each with its <see cref="AnalysisTemplate.Source"/>.</summary>
    public IReadOnlyList<AnalysisTemplate> Templates { get; init; } = [];

    /// <summary>The <c>kind: ImagePolicy</c> documents, in file order, each with its <see cref="ImagePolicy.Source"/>.</summary>
    public IReadOnlyList<ImagePolicy> Policies { get; init; } = [];
}
