namespace Slipway.Core.Spec;

/// <summary>
/// The outcome of parsing one spec file. Either every document is valid and
/// <see cref="Manifests"/> holds them all, in file order, or <see cref="Errors"/> lists every
/// problem and <see cref="Manifests"/> is empty: a file is never half accepted.
/// </summary>
public sealed record SpecParseResult(IReadOnlyList<ApplicationManifest> Manifests, IReadOnlyList<SpecError> Errors)
{
    public bool IsValid => Errors.Count == 0;
}
