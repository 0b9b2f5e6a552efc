namespace Slipway.Oci.Signing;

/// <summary>
/// One signature as cosign stores it: the payload bytes (a layer of the <c>.sig</c> image) and the base64 ASN.1 DER
/// signature over them (that layer's <c>dev.cosignproject.cosign/signature</c> annotation). <see cref="KeyId"/> is
/// Slipway's own unsigned hint (the <c>dev.slipway.signature/key-id</c> annotation) naming the key that claims to have
/// signed: an ECDSA signature over altered bytes looks exactly like a signature by some other key, so only this hint
/// lets a refusal say "tampered" rather than "signed by another key". It is never trusted: a signature is accepted
/// only when it verifies with a trusted key. Signatures made by cosign carry no hint.
/// Followed: cosign pkg/oci/static/signature.go (<c>NewSignature</c>, <c>SignatureAnnotationKey</c>).
/// </summary>
public sealed record ImageSignature(byte[] Payload, string Base64Signature, string? KeyId = null)
{
    /// <summary>The annotation that carries the base64 signature on the payload layer (cosign's name).</summary>
    public const string SignatureAnnotation = "dev.cosignproject.cosign/signature";

    /// <summary>Slipway's annotation naming the signing key's <see cref="VerificationKey.KeyId"/>; cosign ignores it.</summary>
    public const string KeyIdAnnotation = "dev.slipway.signature/key-id";

    /// <summary>The media type of the payload layer (cosign pkg/types/media.go, <c>SimpleSigningMediaType</c>).</summary>
    public const string PayloadMediaType = "application/vnd.dev.cosign.simplesigning.v1+json";

    /// <summary>The digest of the payload: the digest of its layer in the signature image.</summary>
    public Digest PayloadDigest => Digest.Sha256(Payload);

    /// <summary>
    /// Signs <paramref name="image"/> (a reference with its digest) with <paramref name="key"/> as <c>cosign sign --key</c>
    /// does: the simple-signing payload of the image's repository and digest, with <paramref name="annotations"/> under
    /// <c>optional</c> (cosign's <c>-a key=value</c>), signed with ECDSA P-256 over its SHA-256.
    /// </summary>
    public static ImageSignature Sign(ImageReference image, SigningKey key, IReadOnlyDictionary<string, string>? annotations = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        var payload = SimpleSigningPayload.For(image, annotations).ToBytes();
        return new ImageSignature(payload, Convert.ToBase64String(key.Sign(payload)), key.KeyId);
    }

    /// <summary>The annotations of this signature's layer in the signature manifest.</summary>
    public IReadOnlyDictionary<string, string> LayerAnnotations() =>
        KeyId is null
            ? new Dictionary<string, string> { [SignatureAnnotation] = Base64Signature }
            : new Dictionary<string, string> { [SignatureAnnotation] = Base64Signature, [KeyIdAnnotation] = KeyId };

    /// <summary>The raw DER signature, or null when <see cref="Base64Signature"/> is not base64.</summary>
    public byte[]? DerSignature()
    {
        var buffer = new byte[Base64Signature.Length];
        return Convert.TryFromBase64String(Base64Signature, buffer, out var written) ? buffer[..written] : null;
    }
}
