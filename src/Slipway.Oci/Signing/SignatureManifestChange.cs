namespace Slipway.Oci.Signing;

/// <summary>
/// The result of adding a signature: the manifest to put under the <c>.sig</c> tag and the blobs to push first (the
/// new config and the payload). When the signature was already there, <see cref="Added"/> is false, nothing needs
/// pushing, and the tag may be left as it is.
/// </summary>
public sealed record SignatureManifestChange(SignatureManifest Manifest, bool Added, IReadOnlyList<SignatureBlob> BlobsToPush);
