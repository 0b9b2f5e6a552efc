using System.Text.Json.Serialization;

namespace Slipway.Oci.Registry;

/// <summary>
/// An index, OCI (<see cref="MediaTypes.OciIndex"/>) or Docker's manifest list (<see cref="MediaTypes.DockerManifestList"/>):
/// manifests by platform (a multi-architecture image), or any set of manifests (an artifact's referrers).
/// </summary>
/// <remarks>The parsed view, as <see cref="ImageManifest"/> is: an index is copied as its exact bytes.</remarks>
public sealed record ImageIndex(
    [property: JsonPropertyName("manifests"), JsonPropertyOrder(3)] IReadOnlyList<Descriptor> Manifests)
{
    [JsonPropertyName("schemaVersion"), JsonPropertyOrder(0)]
    public int SchemaVersion { get; init; } = 2;

    [JsonPropertyName("mediaType"), JsonPropertyOrder(1), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? MediaType { get; init; }

    [JsonPropertyName("artifactType"), JsonPropertyOrder(2), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ArtifactType { get; init; }

    [JsonPropertyName("subject"), JsonPropertyOrder(4), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Descriptor? Subject { get; init; }

    [JsonPropertyName("annotations"), JsonPropertyOrder(5), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }
}
