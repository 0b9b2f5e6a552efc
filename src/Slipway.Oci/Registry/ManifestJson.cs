using System.Text.Json;
using System.Text.Json.Serialization;

namespace Slipway.Oci.Registry;

/// <summary>
/// How manifests are read and written as JSON: the OCI field names, required fields enforced (a descriptor without a
/// digest is refused rather than read as null), nulls left out, no indentation (what registries and other tools write).
/// </summary>
internal static class ManifestJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        Converters = { new DigestConverter() },
    };

    /// <summary>Reads and writes a <see cref="Digest"/> as its string, <c>sha256:…</c>.</summary>
    private sealed class DigestConverter : JsonConverter<Digest>
    {
        public override Digest Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            return Digest.TryParse(text, out var digest)
                ? digest
                : throw new JsonException($"'{text}' is not a digest: expected sha256: and 64 lowercase hex digits");
        }

        public override void Write(Utf8JsonWriter writer, Digest value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
    }
}
