using System.Globalization;
using System.Text.Json;
using Slipway.Core.Analysis;

namespace Slipway.Server.Analysis.Providers;

/// <summary>
/// Reads the Prometheus HTTP API's answer to an instant query (<c>/api/v1/query</c>) into what conditions see as
/// <c>result</c>: a <c>scalar</c> is a number, a <c>vector</c> a list of its samples' numbers in the order Prometheus
/// gave them (<c>result[0]</c>; an empty vector is an empty list), a <c>string</c> a string. A <c>matrix</c> (a range
/// selector such as <c>x[5m]</c> left unaggregated) is an error: a measurement is one instant.
/// </summary>
/// <remarks>
/// Prometheus writes sample values as strings so that <c>NaN</c>, <c>+Inf</c> and <c>-Inf</c> survive JSON; they
/// become those doubles. The answer's shape: <c>{"status":"success","data":{"resultType":"vector","result":[{"metric":
/// {…},"value":[1700000000.123,"0.25"]}]}}</c>, or <c>{"status":"error","errorType":"bad_data","error":"…"}</c>.
/// </remarks>
internal static class PrometheusAnswer
{
    /// <param name="where">Names the server in messages, e.g. <c>Prometheus at http://127.0.0.1:9090</c>.</param>
    /// <param name="status">The HTTP status, shown when the body is not an API answer.</param>
    public static ProviderResult Read(string where, int status, ReadOnlySpan<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray());
        }
        catch (JsonException)
        {
            return NotAnAnswer(where, status, body);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("status", out var state) || state.ValueKind != JsonValueKind.String)
            {
                return NotAnAnswer(where, status, body);
            }

            if (state.GetString() == "error")
            {
                var type = Text(root, "errorType") ?? "error";
                var error = Text(root, "error") ?? "(no message)";
                return ProviderResult.Failed($"{where} refused the query ({type}): {error}");
            }

            if (state.GetString() != "success"
                || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object
                || Text(data, "resultType") is not { } resultType
                || !data.TryGetProperty("result", out var result))
            {
                return NotAnAnswer(where, status, body);
            }

            var (value, problem) = resultType switch
            {
                "scalar" => Sample(result),
                "string" => result.ValueKind == JsonValueKind.Array && result.GetArrayLength() == 2 && result[1].ValueKind == JsonValueKind.String
                    ? (AnalysisValue.Of(result[1].GetString()!), null)
                    : (null, "a string result that is not [time, \"text\"]"),
                "vector" => Vector(result),
                "matrix" => (null, "the query returned a range vector (matrix), and a measurement takes one value per instant: aggregate "
                    + "the range (e.g. rate(x[5m]), max_over_time(x[5m])) or drop the [range]"),
                _ => (null, $"an unknown result type \"{resultType}\""),
            };
            return value is not null ? new ProviderResult(value) : ProviderResult.Failed($"{where}: {problem}");
        }
    }

    private static (AnalysisValue? Value, string? Problem) Vector(JsonElement result)
    {
        if (result.ValueKind != JsonValueKind.Array)
        {
            return (null, "a vector result that is not a list");
        }

        var items = new List<AnalysisValue>(result.GetArrayLength());
        foreach (var series in result.EnumerateArray())
        {
            if (series.ValueKind != JsonValueKind.Object || !series.TryGetProperty("value", out var sample))
            {
                // Native histograms carry "histogram" instead of "value": not a number a condition can compare.
                return (null, "a vector sample without a value (a native histogram?): query a number, e.g. histogram_quantile(0.99, …)");
            }

            var (value, problem) = Sample(sample);
            if (value is null)
            {
                return (null, problem);
            }

            items.Add(value);
        }

        return (AnalysisValue.Of(items), null);
    }

    /// <summary><c>[unix time, "value"]</c>: the value as a double.</summary>
    private static (AnalysisValue? Value, string? Problem) Sample(JsonElement sample) =>
        sample.ValueKind == JsonValueKind.Array && sample.GetArrayLength() == 2 && sample[1].ValueKind == JsonValueKind.String
            && ParseNumber(sample[1].GetString()!) is { } number
            ? (AnalysisValue.Of(number), null)
            : (null, $"a sample that is not [time, \"number\"]: {sample.GetRawText()}");

    /// <summary>Go's float formatting as Prometheus writes it: decimal, exponent, <c>NaN</c>, <c>+Inf</c>, <c>-Inf</c>.</summary>
    internal static double? ParseNumber(string text) => text switch
    {
        "NaN" => double.NaN,
        "+Inf" or "Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) => value,
        _ => null,
    };

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static ProviderResult NotAnAnswer(string where, int status, ReadOnlySpan<byte> body) =>
        ProviderResult.Failed($"{where} answered {status} with {ResponseBody.Snippet(body)}, not a Prometheus API answer: is the address a Prometheus server?");
}
