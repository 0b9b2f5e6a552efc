using Slipway.Docker.Lint;
using Slipway.Oci;

namespace Slipway.Docker.Build;

/// <summary>
/// What a build made: the image in the engine, the names it got, its lint report and, once pushed, its reference by
/// digest, which is what a release records as its artifact.
/// </summary>
/// <param name="ImageId">The engine's ID, the digest of the image's config.</param>
/// <param name="Pushed"><c>REPOSITORY@sha256:…</c> as the registry stored it; null when not pushed.</param>
public sealed record BuiltImage(
    string ImageId,
    ImageReference Repository,
    IReadOnlyList<string> Tags,
    IReadOnlyDictionary<string, string> Labels,
    GitRevision? Git,
    LintReport Lint,
    long Size,
    ImageReference? Pushed);
