namespace Slipway.Oci.Signing;

/// <summary>
/// A layer descriptor of a signature manifest: one signature, whose payload is the blob <see cref="Digest"/> and whose
/// signature is in the annotations. Reading signatures back is two steps because the payloads are separate blobs:
/// the manifest lists them, the caller fetches each and hands it to <see cref="ToSignature"/>, which checks the bytes
/// are the ones the manifest names.
/// </summary>
public sealed record SignatureLayer(string MediaType, Digest Digest, long Size, IReadOnlyDictionary<string, string> Annotations)
{
    /// <summary>
    /// The largest payload Slipway fetches. A simple-signing payload is a few hundred bytes; cosign's limit for any
    /// attachment is 128 MiB (internal/pkg/cosign/payload/size), far more than a signature ever needs.
    /// </summary>
    public const long MaxPayloadSize = 1024 * 1024;

    public string? Base64Signature => Annotations.GetValueOrDefault(ImageSignature.SignatureAnnotation);

    public string? KeyId => Annotations.GetValueOrDefault(ImageSignature.KeyIdAnnotation);

    /// <summary>Whether this layer is a cosign simple-signing signature worth fetching (its type, a signature, a sane size).</summary>
    public bool IsSignature => MediaType == ImageSignature.PayloadMediaType && Base64Signature is not null && Size is >= 0 and <= MaxPayloadSize;

    /// <summary>The signature this layer carries, given its payload blob as fetched from the registry.</summary>
    /// <exception cref="FormatException">The payload is not the blob the layer names, or the layer carries no signature.</exception>
    public ImageSignature ToSignature(byte[] payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (!Digest.Matches(payload) || payload.LongLength != Size)
        {
            throw new FormatException($"the payload fetched for signature layer {Digest} ({Size} bytes) hashes to {Oci.Digest.Sha256(payload)} ({payload.Length} bytes): the registry returned other content");
        }

        return new ImageSignature(payload, Base64Signature ?? throw new FormatException($"signature layer {Digest} has no {ImageSignature.SignatureAnnotation} annotation"), KeyId);
    }
}
