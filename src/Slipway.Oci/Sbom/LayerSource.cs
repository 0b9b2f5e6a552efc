namespace Slipway.Oci.Sbom;

/// <summary>
/// One layer of an image, as its manifest lists it: a blob the caller opens (from a registry, the Engine, a file).
/// It is opened once and read once, front to back; the media type is a hint — what the bytes start with decides.
/// </summary>
public sealed record LayerSource(Digest? Digest, string? MediaType, Func<CancellationToken, Task<Stream>> OpenAsync)
{
    /// <summary>A layer in a file (an OCI layout's blob, a test's tar).</summary>
    public static LayerSource FromFile(string path, string? mediaType = null, Digest? digest = null) =>
        new(digest, mediaType, _ => Task.FromResult<Stream>(File.OpenRead(path)));

    /// <summary>How the layer is named in messages: its digest, or its position.</summary>
    internal string Describe(int index) => Digest is null ? $"layer {index + 1}" : $"layer {index + 1} ({Digest})";
}
