using System.Globalization;
using System.Text.Json;

namespace Slipway.Core.Analysis;

/// <summary>
/// A value a metric provider measured, as conditions see it (<c>result</c>, <c>canary</c>, <c>stable</c>): a number, a
/// boolean, a string, a list (a Prometheus vector, a JSON array) or null (nothing: an empty answer, an index past the
/// end). Numbers are doubles, NaN included (a Prometheus <c>NaN</c>, a rate over no requests).
/// </summary>
public abstract record AnalysisValue
{
    public static readonly AnalysisValue Null = new NullValue();

    public static AnalysisValue Of(double value) => new NumberValue(value);

    public static AnalysisValue Of(bool value) => new BooleanValue(value);

    public static AnalysisValue Of(string value) => new StringValue(value);

    public static AnalysisValue Of(IEnumerable<AnalysisValue> items) => new ListValue([.. items]);

    /// <summary>A JSON document's value: objects are not values conditions can read and become their JSON text.</summary>
    public static AnalysisValue FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number => Of(element.GetDouble()),
        JsonValueKind.True => Of(true),
        JsonValueKind.False => Of(false),
        JsonValueKind.String => Of(element.GetString()!),
        JsonValueKind.Array => Of(element.EnumerateArray().Select(FromJson)),
        JsonValueKind.Object => Of(element.GetRawText()),
        _ => Null,
    };

    /// <summary>How status and <c>slipway analysis</c> show it: numbers as written in conditions (<c>0.05</c>, <c>NaN</c>).</summary>
    public abstract override string ToString();
}

public sealed record NumberValue(double Value) : AnalysisValue
{
    public override string ToString() => Value.ToString("G6", CultureInfo.InvariantCulture);
}

public sealed record BooleanValue(bool Value) : AnalysisValue
{
    public override string ToString() => Value ? "true" : "false";
}

public sealed record StringValue(string Value) : AnalysisValue
{
    private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Quoted as JSON, with quotes escaped as people read them (<c>\"</c>, not <c>\u0022</c>).</summary>
    public override string ToString() => JsonSerializer.Serialize(Value, Readable);
}

public sealed record ListValue(IReadOnlyList<AnalysisValue> Items) : AnalysisValue
{
    public override string ToString() => $"[{string.Join(", ", Items)}]";
}

public sealed record NullValue : AnalysisValue
{
    public override string ToString() => "null";
}
