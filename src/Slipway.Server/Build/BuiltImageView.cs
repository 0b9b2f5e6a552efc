namespace Slipway.Server.Build;

/// <summary>
/// What a build made, as the API answers it (the <c>result</c> line of <c>POST /api/v1/builds</c>) and
/// <c>slipway build -o json</c> prints it. <see cref="Image"/> is what a spec names: <c>artifact: {image: …}</c>.
/// </summary>
/// <param name="Image"><c>REGISTRY/NAME@sha256:…</c>, as the registry stored it.</param>
/// <param name="Repository"><c>REGISTRY/NAME</c>.</param>
/// <param name="Tags">Every tag pushed, all naming <see cref="Digest"/>.</param>
/// <param name="Labels">The image's labels from the build (the OCI ones from git, and any the user gave).</param>
/// <param name="Lint">The image-policy lint's findings (warnings only: a failing one stops the push).</param>
/// <param name="Git">The commit the context was at; null outside a git repository.</param>
/// <param name="ImageId">The engine's ID, the digest of the image's config.</param>
/// <param name="Size">Bytes of the image in the engine (its layers, uncompressed).</param>
/// <param name="Dockerfile">As the user knows it: relative to the context, or in full when outside it.</param>
public sealed record BuiltImageView(
    string Image,
    string Repository,
    string Digest,
    IReadOnlyList<string> Tags,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<LintFindingView> Lint,
    GitView? Git,
    string ImageId,
    long Size,
    string Dockerfile,
    DateTimeOffset RecordedAt,
    string RecordedBy);
