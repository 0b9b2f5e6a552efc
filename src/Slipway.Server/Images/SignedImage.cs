namespace Slipway.Server.Images;

/// <summary>
/// What <c>slipway image sign</c> did: the image by digest, the key, the tag its signature image is stored under, and
/// whether a signature was added (false: the same key had signed it already, as cosign's duplicate rule says).
/// </summary>
/// <param name="Image">The image signed, by digest (with the tag it was named by, if any): <c>registry/name:tag@sha256:…</c>.</param>
/// <param name="SignatureImage">Where the signature is: <c>registry/name:sha256-&lt;hex&gt;.sig</c>.</param>
/// <param name="SignatureCount">How many signatures the signature image holds now.</param>
public sealed record SignedImage(
    string Image, string Digest, string Key, string KeyId, string SignatureImage, bool Added, int SignatureCount, DateTimeOffset SignedAt, string SignedBy);
