using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;

namespace Slipway.Oci.Signing;

/// <summary>
/// The signature image cosign keeps beside an image, pure over bytes: an OCI manifest stored under the tag
/// <c>sha256-&lt;hex&gt;.sig</c> in the image's repository, one layer per signature — the payload as the blob, the
/// signature in the layer's annotations — and a config listing the layers. Built exactly as cosign builds it
/// (go-containerregistry's <c>empty.Image</c> with OCI media types, then <c>mutate.Append</c> of one static layer per
/// signature), so a manifest Slipway writes is byte-for-byte the one <c>cosign sign --key</c> would write for the same
/// signatures, and one cosign wrote reads back here. Signing again appends a layer and keeps the earlier ones, unless
/// the same payload already carries a signature by the same key (cosign's duplicate rule).
/// Followed: cosign pkg/oci/empty/empty.go (<c>Signatures</c>), pkg/oci/mutate/signatures.go (<c>AppendSignatures</c>),
/// pkg/oci/static/signature.go, pkg/cosign/remote/remote.go (<c>dd.Find</c>), pkg/oci/remote/remote.go
/// (<c>SignatureTag</c>, <c>normalize</c>), pkg/oci/remote/signatures.go (<c>maxLayers</c>); go-containerregistry
/// pkg/v1/mutate/image.go (<c>compute</c>), pkg/v1/manifest.go and pkg/v1/config.go (field order, omitempty).
/// No I/O: the caller pushes <see cref="SignatureManifestChange.BlobsToPush"/> then puts <see cref="Bytes"/> under
/// <see cref="TagFor"/>, and fetches the payloads a parsed manifest names.
/// </summary>
public sealed class SignatureManifest
{
    public const string OciManifestMediaType = "application/vnd.oci.image.manifest.v1+json";
    public const string OciConfigMediaType = "application/vnd.oci.image.config.v1+json";
    public const string DockerManifestMediaType = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerConfigMediaType = "application/vnd.docker.container.image.v1+json";

    /// <summary>cosign refuses a signature image with more layers than this (pkg/oci/remote/signatures.go).</summary>
    public const int MaxLayers = 1000;

    // go-containerregistry marshals a zero v1.Time as Go's zero time: cosign's signature images carry no dates
    // unless --record-creation-timestamp is given, so the same signatures always make the same digest.
    private const string ZeroTime = "0001-01-01T00:00:00Z";

    private readonly IReadOnlyDictionary<string, string>? _annotations;

    private SignatureManifest(string mediaType, string configMediaType, IReadOnlyList<SignatureLayer> layers, IReadOnlyDictionary<string, string>? annotations, byte[]? bytes)
    {
        MediaType = mediaType;
        ConfigMediaType = configMediaType;
        Layers = layers;
        _annotations = annotations;
        Config = SignatureBlob.Of(configMediaType, ConfigFor(layers));
        Bytes = bytes ?? Write(mediaType, Config, layers, annotations);
        Digest = Digest.Sha256(Bytes);
    }

    /// <summary>No signatures yet: what a missing <c>.sig</c> tag means. Nothing to push until one is added.</summary>
    public static SignatureManifest Empty { get; } = new(OciManifestMediaType, OciConfigMediaType, [], null, null);

    /// <summary>The manifest's media type (OCI unless cosign ran with <c>COSIGN_DOCKER_MEDIA_TYPES=1</c>).</summary>
    public string MediaType { get; }

    public string ConfigMediaType { get; }

    /// <summary>One layer per signature, oldest first.</summary>
    public IReadOnlyList<SignatureLayer> Layers { get; }

    /// <summary>
    /// The config this manifest's layers imply, as cosign writes it. For a manifest read from a registry this is the
    /// config Slipway would write, which may differ from the stored one (a cosign run with a creation timestamp); the
    /// stored one is not needed to read or extend the manifest.
    /// </summary>
    public SignatureBlob Config { get; }

    /// <summary>The manifest's bytes: as read, or as written when built here.</summary>
    public byte[] Bytes { get; }

    public Digest Digest { get; }

    /// <summary>
    /// The tag of the signature image of <paramref name="image"/>: <c>sha256-&lt;hex&gt;.sig</c>, in the image's own
    /// repository (cosign's <c>SignatureTag</c> without <c>COSIGN_REPOSITORY</c>).
    /// </summary>
    public static string TagFor(Digest image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return $"{image.Algorithm}-{image.Hex}.sig";
    }

    public static SignatureManifest Parse(ReadOnlySpan<byte> manifest) =>
        TryParse(manifest, out var parsed, out var error) ? parsed : throw new FormatException(error);

    /// <summary>Reads a signature manifest fetched from a registry; <paramref name="error"/> says what is wrong with it.</summary>
    public static bool TryParse(ReadOnlySpan<byte> manifest, [NotNullWhen(true)] out SignatureManifest? parsed, [NotNullWhen(false)] out string? error)
    {
        parsed = null;
        try
        {
            using var document = JsonDocument.Parse(manifest.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "the signature manifest is not a JSON object";
                return false;
            }

            if (!root.TryGetProperty("schemaVersion", out var schema) || schema.ValueKind != JsonValueKind.Number || schema.GetInt32() != 2)
            {
                error = "the signature manifest's schemaVersion is not 2: expected an OCI or Docker v2 image manifest";
                return false;
            }

            var mediaType = root.TryGetProperty("mediaType", out var mt) && mt.ValueKind == JsonValueKind.String ? mt.GetString()! : OciManifestMediaType;
            if (mediaType is not (OciManifestMediaType or DockerManifestMediaType))
            {
                error = $"the signature tag holds a '{mediaType}': expected an image manifest ({OciManifestMediaType})";
                return false;
            }

            if (!root.TryGetProperty("config", out var config))
            {
                error = "the signature manifest has no config descriptor";
                return false;
            }

            if (!TryDescriptor(config, "config", out var configMediaType, out _, out _, out _, out error))
            {
                return false;
            }

            if (!root.TryGetProperty("layers", out var layersElement) || layersElement.ValueKind != JsonValueKind.Array)
            {
                error = "the signature manifest has no layers array";
                return false;
            }

            if (layersElement.GetArrayLength() > MaxLayers)
            {
                error = $"the signature manifest has {layersElement.GetArrayLength()} layers: at most {MaxLayers} are read, as cosign does";
                return false;
            }

            var layers = new List<SignatureLayer>();
            foreach (var layer in layersElement.EnumerateArray())
            {
                if (!TryDescriptor(layer, $"layers[{layers.Count}]", out var layerMediaType, out var digest, out var size, out var annotations, out error))
                {
                    return false;
                }

                layers.Add(new SignatureLayer(layerMediaType, digest, size, annotations));
            }

            var manifestAnnotations = root.TryGetProperty("annotations", out var a) ? StringMap(a) : null;
            parsed = new SignatureManifest(mediaType, configMediaType, layers, manifestAnnotations, manifest.ToArray());
            error = null;
            return true;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            error = $"the signature manifest is not valid JSON of an image manifest: {e.Message}";
            return false;
        }
    }

    /// <summary>
    /// The manifest with <paramref name="signature"/> appended as a new layer, and the blobs to push before it; or this
    /// manifest unchanged (<see cref="SignatureManifestChange.Added"/> false, nothing to push) when a layer already holds
    /// the same payload, the same annotations and a signature that <paramref name="signer"/> verifies — cosign's duplicate
    /// rule, which keeps re-signing an image idempotent although ECDSA signatures differ each time.
    /// </summary>
    public SignatureManifestChange Add(ImageSignature signature, VerificationKey signer)
    {
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentNullException.ThrowIfNull(signer);
        var payloadDigest = signature.PayloadDigest;
        var annotations = signature.LayerAnnotations();
        foreach (var layer in Layers)
        {
            var sameAnnotations = annotations.All(pair => pair.Key == ImageSignature.SignatureAnnotation || layer.Annotations.GetValueOrDefault(pair.Key) == pair.Value);
            var existing = layer.Base64Signature is { } b64 ? new ImageSignature(signature.Payload, b64).DerSignature() : null;
            if (sameAnnotations && layer.Digest == payloadDigest && layer.MediaType == ImageSignature.PayloadMediaType
                && existing is not null && signer.Verifies(signature.Payload, existing))
            {
                return new SignatureManifestChange(this, false, []);
            }
        }

        if (Layers.Count >= MaxLayers)
        {
            throw new InvalidOperationException($"the signature image already holds {Layers.Count} signatures, cosign's limit: remove old signatures (delete the .sig tag) before signing again");
        }

        var added = new SignatureLayer(ImageSignature.PayloadMediaType, payloadDigest, signature.Payload.LongLength, annotations);
        var next = new SignatureManifest(MediaType, ConfigMediaType, [.. Layers, added], _annotations, null);
        return new SignatureManifestChange(next, true, [next.Config, SignatureBlob.Of(ImageSignature.PayloadMediaType, signature.Payload)]);
    }

    /// <summary>
    /// The config as go-containerregistry marshals <c>v1.ConfigFile</c> after appending the layers to
    /// <c>empty.Image</c>: architecture and os empty, Go's zero time, one history entry per layer, the layers'
    /// digests as diff_ids (a payload layer is stored uncompressed, so its digest is its diff_id).
    /// </summary>
    private static byte[] ConfigFor(IReadOnlyList<SignatureLayer> layers)
    {
        var json = new GoJson().Raw("{\"architecture\":\"\",\"created\":").String(ZeroTime);
        if (layers.Count > 0)
        {
            json.Raw(",\"history\":[").Raw(string.Join(",", layers.Select(_ => $"{{\"created\":\"{ZeroTime}\"}}"))).Raw("]");
        }

        json.Raw(",\"os\":\"\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":");
        json.Raw(layers.Count == 0 ? "null" : "[" + string.Join(",", layers.Select(layer => $"\"{layer.Digest}\"")) + "]");
        return json.Raw("},\"config\":{}}").ToUtf8();
    }

    /// <summary>The manifest as Go marshals <c>v1.Manifest</c>: schemaVersion, mediaType, config, layers, annotations.</summary>
    private static byte[] Write(string mediaType, SignatureBlob config, IReadOnlyList<SignatureLayer> layers, IReadOnlyDictionary<string, string>? annotations)
    {
        var json = new GoJson().Raw("{\"schemaVersion\":2,\"mediaType\":").String(mediaType)
            .Raw(",\"config\":{\"mediaType\":").String(config.MediaType)
            .Raw(",\"size\":").Raw(config.Size.ToString(CultureInfo.InvariantCulture))
            .Raw(",\"digest\":").String(config.Digest.ToString())
            .Raw("},\"layers\":[");
        for (var i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            json.Raw(i == 0 ? "{\"mediaType\":" : ",{\"mediaType\":").String(layer.MediaType)
                .Raw(",\"size\":").Raw(layer.Size.ToString(CultureInfo.InvariantCulture))
                .Raw(",\"digest\":").String(layer.Digest.ToString());
            if (layer.Annotations.Count > 0)
            {
                json.Raw(",\"annotations\":").StringMap(layer.Annotations);
            }

            json.Raw("}");
        }

        json.Raw("]");
        if (annotations is { Count: > 0 })
        {
            json.Raw(",\"annotations\":").StringMap(annotations);
        }

        return json.Raw("}").ToUtf8();
    }

    private static bool TryDescriptor(JsonElement element, string where, out string mediaType, [NotNullWhen(true)] out Digest? digest, out long size, out IReadOnlyDictionary<string, string> annotations, [NotNullWhen(false)] out string? error)
    {
        mediaType = "";
        digest = null;
        size = 0;
        annotations = new Dictionary<string, string>();
        if (element.ValueKind != JsonValueKind.Object)
        {
            error = $"the signature manifest's {where} is not a descriptor object";
            return false;
        }

        mediaType = element.TryGetProperty("mediaType", out var mt) && mt.ValueKind == JsonValueKind.String ? mt.GetString()! : "";
        var digestText = element.TryGetProperty("digest", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
        if (!Digest.TryParse(digestText, out digest))
        {
            error = $"the signature manifest's {where}.digest is {(digestText is null ? "missing" : $"'{digestText}'")}: expected sha256: and 64 lowercase hex digits";
            return false;
        }

        if (!element.TryGetProperty("size", out var s) || s.ValueKind != JsonValueKind.Number || !s.TryGetInt64(out size) || size < 0)
        {
            error = $"the signature manifest's {where}.size is missing or not a byte count";
            return false;
        }

        if (element.TryGetProperty("annotations", out var a))
        {
            annotations = StringMap(a) ?? annotations;
        }

        error = null;
        return true;
    }

    private static Dictionary<string, string>? StringMap(JsonElement element) =>
        element.ValueKind != JsonValueKind.Object
            ? null
            : element.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String).ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
}
