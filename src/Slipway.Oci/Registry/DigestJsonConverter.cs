using System.Text.Json;
using System.Text.Json.Serialization;

namespace Slipway.Oci.Registry;

/// <summary>
/// Reads and writes a <see cref="Digest"/> as its string, <c>sha256:…</c>, as manifests hold it and as an API answer
/// should show it (not as an object of algorithm and hex). <see cref="Digest"/> carries it as its converter.
/// </summary>
public sealed class DigestJsonConverter : JsonConverter<Digest>
{
    public override Digest Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        return Digest.TryParse(text, out var digest)
            ? digest
            : throw new JsonException($"'{text}' is not a digest: expected sha256: and 64 lowercase hex digits");
    }

    public override void Write(Utf8JsonWriter writer, Digest value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStringValue(value.ToString());
    }
}
