using System.Net;
using System.Text;
using System.Text.Json;

namespace Slipway.Oci.Registry;

/// <summary>
/// Reads what a registry said when it refused: the distribution spec's error body
/// <c>{"errors":[{"code":"…","message":"…","detail":…}]}</c>, or the start of whatever else it sent (a proxy's HTML page).
/// </summary>
internal static class RegistryAnswer
{
    private const int MaxErrorBytes = 64 * 1024;

    /// <summary>The problem to report for <paramref name="response"/>: its status, then the registry's errors or the start of its body.</summary>
    /// <param name="hint">What the answer usually means, after it.</param>
    public static async Task<RegistryException> FailureAsync(RegistryRequest request, HttpResponseMessage response, CancellationToken ct, string? hint = null)
    {
        var (errors, text) = await ReadAsync(response, ct).ConfigureAwait(false);
        return request.Failure(Describe(response.StatusCode, errors, text) + (hint is null ? "" : $": {hint}"), response.StatusCode, errors);
    }

    /// <summary>A problem stated plainly (<paramref name="statement"/>, e.g. "there is no manifest v9 in app"), the registry's answer after it.</summary>
    public static async Task<RegistryException> StatedFailureAsync(RegistryRequest request, HttpResponseMessage response, string statement, CancellationToken ct)
    {
        var (errors, text) = await ReadAsync(response, ct).ConfigureAwait(false);
        return request.Failure($"{statement} ({Describe(response.StatusCode, errors, text)})", response.StatusCode, errors);
    }

    public static async Task<(IReadOnlyList<RegistryError> Errors, string? Text)> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        byte[] body;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            var buffer = new byte[MaxErrorBytes];
            var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
            body = buffer[..read];
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return ([], null);
        }

        if (body.Length == 0)
        {
            return ([], null);
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("errors", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                var errors = list.EnumerateArray()
                    .Where(e => e.ValueKind == JsonValueKind.Object)
                    .Select(e => new RegistryError(Text(e, "code") ?? "UNKNOWN", Text(e, "message") ?? "", Detail(e)))
                    .ToList();
                return (errors, null);
            }
        }
        catch (JsonException)
        {
            // not the spec's error body: shown as text below
        }

        var text = Encoding.UTF8.GetString(body).ReplaceLineEndings(" ").Trim();
        return ([], text.Length > 200 ? text[..200] + "…" : text);
    }

    /// <param name="who">Who answered, e.g. <c>the registry</c> or <c>the token service …</c>.</param>
    public static string Describe(HttpStatusCode status, IReadOnlyList<RegistryError> errors, string? text, string who = "the registry")
    {
        var said = errors.Count > 0 ? ", " + string.Join("; ", errors) : string.IsNullOrEmpty(text) ? "" : $", \"{text}\"";
        return $"{who} answered {(int)status} {ReasonOf(status)}{said}";
    }

    private static string ReasonOf(HttpStatusCode status) => status switch
    {
        HttpStatusCode.NotFound => "Not Found",
        HttpStatusCode.Unauthorized => "Unauthorized",
        HttpStatusCode.Forbidden => "Forbidden",
        HttpStatusCode.BadRequest => "Bad Request",
        HttpStatusCode.MethodNotAllowed => "Method Not Allowed",
        HttpStatusCode.RequestEntityTooLarge => "Request Entity Too Large",
        HttpStatusCode.TooManyRequests => "Too Many Requests",
        _ => status.ToString(),
    };

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The detail is any JSON: a string as itself, anything else as its JSON text, cut short.</summary>
    private static string? Detail(JsonElement error)
    {
        if (!error.TryGetProperty("detail", out var detail) || detail.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return null;
        }

        var text = detail.ValueKind == JsonValueKind.String ? detail.GetString()! : detail.GetRawText();
        return text.Length > 300 ? text[..300] + "…" : text;
    }
}
