using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Slipway.Oci.Registry;

/// <summary>
/// How manifests are read and written as JSON: the OCI field names, required fields enforced (a descriptor without a
/// digest is refused rather than read as null), nulls left out, no indentation, and media types written as they read
/// (<c>+json</c>, not the <c>\u002Bjson</c> of the default encoder, which is valid JSON but not what other tools write).
/// </summary>
internal static class ManifestJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        RespectNullableAnnotations = true,

        // Manifests are data for registries, never embedded in HTML: no need to escape '+', '<' or '&'.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
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
