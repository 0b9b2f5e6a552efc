using System.Text.Json;

namespace Slipway.Oci.Registry;

/// <summary>
/// A manifest as a registry holds it: its exact bytes, its media type and its digest (the sha256 of those bytes).
/// Promotion pushes these bytes back unchanged, so the destination names the image by the same digest; parsing
/// (<see cref="ParseImage"/>, <see cref="ParseIndex"/>) is for reading what it points at, never for writing it again.
/// </summary>
public sealed class Manifest
{
    /// <summary>The largest manifest read: the distribution spec lets registries refuse larger ones, and most do.</summary>
    public const int MaxBytes = 4 * 1024 * 1024;

    private readonly byte[] bytes;

    private Manifest(byte[] bytes, string mediaType, Digest digest)
    {
        this.bytes = bytes;
        MediaType = mediaType;
        Digest = digest;
    }

    public ReadOnlyMemory<byte> Bytes => bytes;

    public string MediaType { get; }

    public Digest Digest { get; }

    public long Size => bytes.Length;

    /// <summary>Whether this is an index (or a Docker manifest list), whose entries are manifests rather than blobs.</summary>
    public bool IsIndex => MediaTypes.IsIndex(MediaType);

    /// <summary>How an index or a <c>subject</c> field points at this manifest.</summary>
    public Descriptor Descriptor => new(MediaType, Digest, Size);

    /// <summary>
    /// The manifest <paramref name="content"/> as a registry answered it. <paramref name="contentType"/> (the answer's
    /// Content-Type, parameters allowed) gives the media type; when it is missing or generic, the manifest's own
    /// <c>mediaType</c> field does, and failing that its shape (<c>manifests</c> for an index, <c>config</c> for an
    /// image). <paramref name="digest"/> is the digest the bytes are known by (sha256 of them when null); the caller
    /// has checked it.
    /// </summary>
    /// <exception cref="FormatException">The content is not a manifest this library reads, and why.</exception>
    public static Manifest FromBytes(ReadOnlySpan<byte> content, string? contentType, Digest? digest = null)
    {
        var copy = content.ToArray();
        var mediaType = MediaTypeOf(copy, contentType);
        return new Manifest(copy, mediaType, digest ?? Digest.Sha256(copy));
    }

    /// <summary>
    /// The manifest of <paramref name="image"/> written as compact JSON; its media type is the image's own, else OCI's,
    /// and is written in the manifest too (OCI recommends it; Docker requires it).
    /// </summary>
    public static Manifest Create(ImageManifest image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var mediaType = image.MediaType ?? MediaTypes.OciManifest;
        if (!MediaTypes.IsImageManifest(mediaType))
        {
            throw new ArgumentException($"an image manifest's media type is {MediaTypes.OciManifest} or {MediaTypes.DockerManifest}, not {mediaType}", nameof(image));
        }

        var content = JsonSerializer.SerializeToUtf8Bytes(image with { MediaType = mediaType }, ManifestJson.Options);
        return new Manifest(content, mediaType, Digest.Sha256(content));
    }

    /// <summary>The manifest of <paramref name="index"/> written as compact JSON; its media type is the index's own, else OCI's, written in it too.</summary>
    public static Manifest Create(ImageIndex index)
    {
        ArgumentNullException.ThrowIfNull(index);
        var mediaType = index.MediaType ?? MediaTypes.OciIndex;
        if (!MediaTypes.IsIndex(mediaType))
        {
            throw new ArgumentException($"an index's media type is {MediaTypes.OciIndex} or {MediaTypes.DockerManifestList}, not {mediaType}", nameof(index));
        }

        var content = JsonSerializer.SerializeToUtf8Bytes(index with { MediaType = mediaType }, ManifestJson.Options);
        return new Manifest(content, mediaType, Digest.Sha256(content));
    }

    /// <exception cref="FormatException">This is an index, or its JSON is not an image manifest, and why.</exception>
    public ImageManifest ParseImage()
    {
        if (!MediaTypes.IsImageManifest(MediaType))
        {
            throw new FormatException($"manifest {Digest} is an index ({MediaType}), not an image manifest");
        }

        return Parse<ImageManifest>("an image manifest");
    }

    /// <exception cref="FormatException">This is an image manifest, or its JSON is not an index, and why.</exception>
    public ImageIndex ParseIndex()
    {
        if (!IsIndex)
        {
            throw new FormatException($"manifest {Digest} is an image manifest ({MediaType}), not an index");
        }

        return Parse<ImageIndex>("an index");
    }

    /// <summary>What this manifest points at: an index's manifests, or an image's config and layers.</summary>
    public IReadOnlyList<Descriptor> References() => IsIndex ? ParseIndex().Manifests : [.. ParseImage().Blobs];

    public override string ToString() => $"{MediaType} {Digest} ({Size} bytes)";

    private T Parse<T>(string what)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(bytes, ManifestJson.Options) ?? throw new FormatException($"manifest {Digest} is null, not {what}");
        }
        catch (JsonException e)
        {
            throw new FormatException($"manifest {Digest} ({MediaType}) is not {what}: {e.Message}", e);
        }
    }

    private static string MediaTypeOf(byte[] content, string? contentType)
    {
        var declared = contentType?.Split(';')[0].Trim();
        if (declared is MediaTypes.DockerManifestSchema1 or MediaTypes.DockerManifestSchema1Signed)
        {
            throw new FormatException($"the manifest is Docker schema 1 ({declared}), which Slipway does not read: push the image again with a current Docker or buildah (schema 2 or OCI)");
        }

        if (declared is not null && MediaTypes.IsManifest(declared))
        {
            return declared;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(content);
        }
        catch (JsonException e)
        {
            throw new FormatException($"the manifest is not JSON: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"the manifest is a JSON {root.ValueKind}, not an object");
            }

            if (root.TryGetProperty("mediaType", out var field) && field.ValueKind == JsonValueKind.String)
            {
                var named = field.GetString()!;
                return MediaTypes.IsManifest(named)
                    ? named
                    : throw new FormatException($"the manifest's media type {named} is not one Slipway reads: expected {string.Join(", ", MediaTypes.AcceptedManifests)}");
            }

            if (root.TryGetProperty("schemaVersion", out var version) && version.ValueKind == JsonValueKind.Number && version.GetInt32() == 1)
            {
                throw new FormatException("the manifest is Docker schema 1, which Slipway does not read: push the image again with a current Docker or buildah (schema 2 or OCI)");
            }

            return root.TryGetProperty("manifests", out _) ? MediaTypes.OciIndex
                : root.TryGetProperty("config", out _) ? MediaTypes.OciManifest
                : throw new FormatException("the manifest has no mediaType and neither 'manifests' (an index) nor 'config' (an image manifest)");
        }
    }
}
