using System.Text.Json;
using System.Text.Json.Serialization;
using Slipway.Core.Analysis.Judge;

namespace Slipway.Server.Routing;

/// <summary>
/// A bucket of the router's <c>/stats?buckets=true</c> as the router writes it, <c>[lowerMicroseconds,
/// upperMicroseconds, count]</c>, with null for the infinite upper bound of the top bucket (JSON has no infinity):
/// three numbers per bucket keep the answer small, and the judge reads them as <see cref="LatencyBin"/>s directly.
/// </summary>
internal sealed class LatencyBinJsonConverter : JsonConverter<LatencyBin>
{
    public override LatencyBin Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        Expect(reader.TokenType == JsonTokenType.StartArray);
        var lower = NumberOrNull(ref reader) ?? throw Invalid();
        var upper = NumberOrNull(ref reader) ?? double.PositiveInfinity;
        long count = -1;
        Expect(reader.Read() && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out count));
        Expect(reader.Read() && reader.TokenType == JsonTokenType.EndArray);
        Expect(lower >= 0 && upper > lower && count >= 0);
        return new LatencyBin(lower, upper, count);
    }

    public override void Write(Utf8JsonWriter writer, LatencyBin value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartArray();
        writer.WriteNumberValue(value.LowerMicroseconds);
        if (double.IsPositiveInfinity(value.UpperMicroseconds))
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteNumberValue(value.UpperMicroseconds);
        }

        writer.WriteNumberValue(value.Count);
        writer.WriteEndArray();
    }

    private static double? NumberOrNull(ref Utf8JsonReader reader)
    {
        Expect(reader.Read());
        return reader.TokenType switch
        {
            JsonTokenType.Number => reader.GetDouble(),
            JsonTokenType.Null => null,
            _ => throw Invalid(),
        };
    }

    private static void Expect(bool condition)
    {
        if (!condition)
        {
            throw Invalid();
        }
    }

    private static JsonException Invalid() => new("a latency bucket is [lowerMicroseconds, upperMicroseconds or null, count]");
}
