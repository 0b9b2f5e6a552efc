namespace Slipway.Oci.Signing;

/// <summary>
/// A blob the signature image needs in the registry before its manifest is put: the config or a payload. Pushed by
/// digest into the image's repository (a registry skips one it already has).
/// </summary>
public sealed record SignatureBlob(string MediaType, Digest Digest, byte[] Content)
{
    public long Size => Content.LongLength;

    public static SignatureBlob Of(string mediaType, byte[] content) => new(mediaType, Digest.Sha256(content), content);
}
