using System.Text.Json;
using System.Text.Json.Serialization;
using Slipway.Core.Analysis;

namespace Slipway.Core.Serialization;

/// <summary>
/// Writes an <see cref="AnalysisValue"/> as the JSON value it is — <c>0.05</c>, <c>true</c>, <c>"up"</c>,
/// <c>[1, 2]</c>, <c>null</c> — so scripts read measurements without a wrapper. JSON has no NaN or infinity: those
/// are written as the strings <c>"NaN"</c>, <c>"Infinity"</c> and <c>"-Infinity"</c>, and read back as numbers.
/// </summary>
internal sealed class AnalysisValueConverter : JsonConverter<AnalysisValue>
{
    public override bool HandleNull => true;

    public override AnalysisValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return Read(document.RootElement);
    }

    public override void Write(Utf8JsonWriter writer, AnalysisValue value, JsonSerializerOptions options)
    {
        switch (value)
        {
            case null or NullValue:
                writer.WriteNullValue();
                break;
            case NumberValue { Value: var n } when double.IsFinite(n):
                writer.WriteNumberValue(n);
                break;
            case NumberValue { Value: var n }:
                writer.WriteStringValue(double.IsNaN(n) ? "NaN" : n > 0 ? "Infinity" : "-Infinity");
                break;
            case BooleanValue { Value: var b }:
                writer.WriteBooleanValue(b);
                break;
            case StringValue { Value: var text }:
                writer.WriteStringValue(text);
                break;
            case ListValue { Items: var items }:
                writer.WriteStartArray();
                foreach (var item in items)
                {
                    Write(writer, item, options);
                }

                writer.WriteEndArray();
                break;
            default:
                throw new JsonException($"unknown analysis value {value.GetType().Name}");
        }
    }

    private static AnalysisValue Read(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String when element.GetString() is "NaN" => AnalysisValue.Of(double.NaN),
        JsonValueKind.String when element.GetString() is "Infinity" => AnalysisValue.Of(double.PositiveInfinity),
        JsonValueKind.String when element.GetString() is "-Infinity" => AnalysisValue.Of(double.NegativeInfinity),
        JsonValueKind.Array => AnalysisValue.Of(element.EnumerateArray().Select(Read)),
        _ => AnalysisValue.FromJson(element),
    };
}
