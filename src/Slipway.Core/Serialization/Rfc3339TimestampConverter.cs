using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Slipway.Core.Serialization;

/// <summary>
/// Writes a <see cref="DateTimeOffset"/> as RFC 3339 in UTC with a <c>Z</c>, to the second (<c>2026-11-23T22:10:05Z</c>),
/// instead of System.Text.Json's <c>+00:00</c> with seven fractional digits: the form Kubernetes writes its timestamps
/// in, that <c>jq</c>'s <c>fromdate</c> and every RFC 3339 parser read. Reads any ISO 8601 / RFC 3339 timestamp.
/// </summary>
public sealed class Rfc3339TimestampConverter : JsonConverter<DateTimeOffset>
{
    /// <summary>The text of <paramref name="value"/> as this converter writes it.</summary>
    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'", CultureInfo.InvariantCulture);

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDateTimeOffset();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(Format(value));
    }
}
