using System.Text.Json.Serialization;

namespace Slipway.Oci.Registry;

/// <summary>
/// A pointer to content in a registry — a blob or a manifest — by media type, digest and size, as manifests and
/// indexes hold them. The size is part of the pointer so that a reader can refuse an answer longer than promised
/// before it has read it all.
/// </summary>
public sealed record Descriptor(
    [property: JsonPropertyName("mediaType"), JsonPropertyOrder(0)] string MediaType,
    [property: JsonPropertyName("digest"), JsonPropertyOrder(2)] Digest Digest,
    [property: JsonPropertyName("size"), JsonPropertyOrder(3)] long Size)
{
    /// <summary>An artifact's type (a signature, an SBOM), for an index entry or a referrer.</summary>
    [JsonPropertyName("artifactType"), JsonPropertyOrder(1), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ArtifactType { get; init; }

    /// <summary>Where else the content may be fetched (Docker's foreign layers); not used by this client.</summary>
    [JsonPropertyName("urls"), JsonPropertyOrder(4), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Urls { get; init; }

    [JsonPropertyName("annotations"), JsonPropertyOrder(5), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    /// <summary>The platform of an index entry; null for blobs and for indexes that do not say.</summary>
    [JsonPropertyName("platform"), JsonPropertyOrder(6), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Platform? Platform { get; init; }

    /// <summary>The descriptor of <paramref name="content"/> (its sha256 and length), as a manifest writer needs it.</summary>
    public static Descriptor Of(string mediaType, ReadOnlySpan<byte> content) => new(mediaType, Digest.Sha256(content), content.Length);

    public override string ToString() => $"{MediaType} {Digest} ({Size} bytes)";
}
