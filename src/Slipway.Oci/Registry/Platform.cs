using System.Text.Json.Serialization;

namespace Slipway.Oci.Registry;

/// <summary>What an index entry runs on, e.g. linux/amd64 or linux/arm64/v8: how a runtime picks its manifest.</summary>
public sealed record Platform(
    [property: JsonPropertyName("architecture"), JsonPropertyOrder(0)] string Architecture,
    [property: JsonPropertyName("os"), JsonPropertyOrder(1)] string Os)
{
    [JsonPropertyName("os.version"), JsonPropertyOrder(2), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? OsVersion { get; init; }

    [JsonPropertyName("os.features"), JsonPropertyOrder(3), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? OsFeatures { get; init; }

    [JsonPropertyName("variant"), JsonPropertyOrder(4), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Variant { get; init; }

    public override string ToString() => $"{Os}/{Architecture}" + (Variant is null ? "" : "/" + Variant);
}
