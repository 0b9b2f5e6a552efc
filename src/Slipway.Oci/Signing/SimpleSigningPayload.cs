using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Slipway.Oci.Signing;

/// <summary>
/// What a cosign signature signs: the "simple signing" JSON of containers/image, naming the image's manifest digest
/// (<c>critical.image.docker-manifest-digest</c>), the repository it was signed as (<c>critical.identity.docker-reference</c>)
/// and the type <c>cosign container image signature</c>, with the signer's annotations under <c>optional</c> (JSON
/// <c>null</c> when there are none). The signature is over the bytes of this JSON, so <see cref="ToBytes"/> writes
/// exactly what cosign writes for the same input, and verification always checks the stored bytes, never a re-encoding.
/// Followed: sigstore/sigstore pkg/signature/payload/payload.go (<c>SimpleContainerImage</c>, <c>Cosign.MarshalJSON</c>)
/// and the format at containers/image docs/containers-signature.5.md.
/// </summary>
public sealed record SimpleSigningPayload(string DockerReference, Digest ManifestDigest, IReadOnlyDictionary<string, string>? Optional)
{
    /// <summary>The value of <c>critical.type</c> in every cosign image signature (payload.go, <c>CosignSignatureType</c>).</summary>
    public const string CosignSignatureType = "cosign container image signature";

    /// <summary>
    /// The payload cosign makes for <paramref name="image"/> (which must carry its digest): the docker-reference is the
    /// repository without tag or digest, the registry spelled as go-containerregistry spells it (<c>docker.io</c> is
    /// <c>index.docker.io</c>), as <c>cosign sign</c> writes it when no <c>--sign-container-identity</c> is given.
    /// </summary>
    public static SimpleSigningPayload For(ImageReference image, IReadOnlyDictionary<string, string>? annotations = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Digest is null)
        {
            throw new ArgumentException($"'{image}' names no digest: a signature signs an image by its manifest digest (REPO@sha256:…), never a tag", nameof(image));
        }

        return new SimpleSigningPayload(CosignRepositoryName(image), image.Digest, annotations is { Count: > 0 } ? annotations : null);
    }

    /// <summary>The repository as go-containerregistry's <c>name.Repository.Name()</c> prints it.</summary>
    public static string CosignRepositoryName(ImageReference image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var registry = image.Registry == ImageReference.DockerHub ? "index.docker.io" : image.Registry;
        return $"{registry}/{image.Repository}";
    }

    /// <summary>
    /// The JSON as Go's <c>json.Marshal</c> writes <c>SimpleContainerImage</c>: fields in declaration order, no
    /// whitespace, <c>optional</c> keys sorted.
    /// </summary>
    public byte[] ToBytes()
    {
        var json = new GoJson()
            .Raw("{\"critical\":{\"identity\":{\"docker-reference\":").String(DockerReference)
            .Raw("},\"image\":{\"docker-manifest-digest\":").String(ManifestDigest.ToString())
            .Raw("},\"type\":").String(CosignSignatureType)
            .Raw("},\"optional\":");
        if (Optional is null)
        {
            json.Raw("null");
        }
        else
        {
            json.StringMap(Optional);
        }

        return json.Raw("}").ToUtf8();
    }

    /// <summary>
    /// Reads a stored payload; <paramref name="error"/> says what is wrong with one that is not a cosign image
    /// signature. Optional values that are not strings (containers/image writes a numeric <c>timestamp</c>) are kept as
    /// their JSON text.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> json, [NotNullWhen(true)] out SimpleSigningPayload? payload, [NotNullWhen(false)] out string? error)
    {
        payload = null;
        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("critical", out var critical) || critical.ValueKind != JsonValueKind.Object)
            {
                error = "the payload has no 'critical' object: expected a simple-signing payload";
                return false;
            }

            var type = StringAt(critical, "type");
            if (type != CosignSignatureType)
            {
                error = $"the payload's critical.type is {(type is null ? "missing" : $"'{type}'")}: expected '{CosignSignatureType}'";
                return false;
            }

            var reference = critical.TryGetProperty("identity", out var identity) ? StringAt(identity, "docker-reference") : null;
            if (string.IsNullOrEmpty(reference))
            {
                error = "the payload has no critical.identity.docker-reference: expected the repository the image was signed as";
                return false;
            }

            var digestText = critical.TryGetProperty("image", out var image) ? StringAt(image, "docker-manifest-digest") : null;
            if (!Digest.TryParse(digestText, out var digest))
            {
                error = $"the payload's critical.image.docker-manifest-digest is {(digestText is null ? "missing" : $"'{digestText}'")}: expected sha256: and 64 lowercase hex digits";
                return false;
            }

            Dictionary<string, string>? optional = null;
            if (root.TryGetProperty("optional", out var optionalElement) && optionalElement.ValueKind == JsonValueKind.Object)
            {
                optional = [];
                foreach (var property in optionalElement.EnumerateObject())
                {
                    optional[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
                }
            }

            payload = new SimpleSigningPayload(reference, digest, optional);
            error = null;
            return true;
        }
        catch (JsonException e)
        {
            error = $"the payload is not JSON: {e.Message}";
            return false;
        }
    }

    private static string? StringAt(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
