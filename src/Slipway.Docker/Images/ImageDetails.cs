namespace Slipway.Docker.Images;

/// <summary>
/// What the engine knows of an image: its ID (the digest of its config), the tags and registry digests it is known by,
/// its size, and the config fields the image lint reads.
/// </summary>
/// <param name="User">The user its processes run as; empty means root.</param>
/// <param name="Env">As the image declares it, <c>NAME=value</c>.</param>
public sealed record ImageDetails(
    string Id,
    IReadOnlyList<string> RepoTags,
    IReadOnlyList<string> RepoDigests,
    long Size,
    DateTimeOffset? Created,
    string User,
    IReadOnlyList<string> Env,
    IReadOnlyDictionary<string, string> Labels);
