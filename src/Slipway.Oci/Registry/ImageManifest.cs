using System.Text.Json.Serialization;

namespace Slipway.Oci.Registry;

/// <summary>
/// An image manifest, OCI (<see cref="MediaTypes.OciManifest"/>) or Docker schema 2 (<see cref="MediaTypes.DockerManifest"/>):
/// a config blob and the layers in order. An artifact (a signature, an SBOM) is a manifest too, with an
/// <see cref="ArtifactType"/> or a config of its own type, and a <see cref="Subject"/> naming the image it is about.
/// </summary>
/// <remarks>
/// This is the parsed view, for reading what a manifest points at. A manifest is copied and pushed as its exact bytes
/// (<see cref="Manifest"/>), never re-serialized from this record, so that its digest never changes.
/// </remarks>
public sealed record ImageManifest(
    [property: JsonPropertyName("config"), JsonPropertyOrder(3)] Descriptor Config,
    [property: JsonPropertyName("layers"), JsonPropertyOrder(4)] IReadOnlyList<Descriptor> Layers)
{
    [JsonPropertyName("schemaVersion"), JsonPropertyOrder(0)]
    public int SchemaVersion { get; init; } = 2;

    /// <summary>The media type the manifest names itself; required by Docker schema 2, recommended by OCI.</summary>
    [JsonPropertyName("mediaType"), JsonPropertyOrder(1), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? MediaType { get; init; }

    [JsonPropertyName("artifactType"), JsonPropertyOrder(2), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ArtifactType { get; init; }

    /// <summary>The manifest this one is about (OCI 1.1 referrers): an image's signature or SBOM names the image.</summary>
    [JsonPropertyName("subject"), JsonPropertyOrder(5), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Descriptor? Subject { get; init; }

    [JsonPropertyName("annotations"), JsonPropertyOrder(6), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    /// <summary>Every blob the manifest needs in its repository: the config, then the layers.</summary>
    [JsonIgnore]
    public IEnumerable<Descriptor> Blobs => Layers.Prepend(Config);
}
