using Slipway.Oci;

namespace Slipway.Server.Images;

/// <summary>
/// Pins an image artifact when a revision is made: a tag is resolved to the digest it points at now, a digest is
/// checked to exist in its registry — so that a revision never names an image that is not there, and a tag moved later
/// never changes what a revision runs.
/// </summary>
internal interface IImageResolver
{
    Task<ImageResolution> ResolveAsync(ImageReference reference, CancellationToken ct);
}

/// <summary>The digest the reference names now, or why there is none (said so a user can act on it).</summary>
internal sealed record ImageResolution(Digest? Digest, string? Problem)
{
    public static ImageResolution Found(Digest digest) => new(digest, null);

    public static ImageResolution Failed(string problem) => new(null, problem);
}
