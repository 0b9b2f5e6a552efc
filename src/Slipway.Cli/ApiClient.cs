using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Slipway.Core.Serialization;

namespace Slipway.Cli;

/// <summary>
/// The CLI's only way to the control plane: its HTTP API, with the API token on every call, and a JSON body
/// on every mutation (<c>{}</c> when there is nothing to say), as the API requires.
/// </summary>
internal sealed class ApiClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly ApiCredential _credential;

    public ApiClient(Uri server, ApiCredential credential)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(credential);
        Server = server;
        _credential = credential;
        _http = new HttpClient { BaseAddress = server, Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", credential.Token);
    }

    public Uri Server { get; }

    public async Task<ApiResult> SendAsync(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null || method != HttpMethod.Get)
        {
            body ??= new JsonObject();
            request.Content = JsonContent.Create(body, body.GetType(), options: SlipwayJson.Options);
        }

        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        return new ApiResult(response.StatusCode, ParseJson(response, text), text, Server);
    }

    /// <summary>A streamed GET (logs --follow); a refusal is thrown as a CLI error like any other.</summary>
    public Task<HttpResponseMessage> StreamAsync(string path, CancellationToken ct) => StreamAsync(HttpMethod.Get, path, null, ct);

    /// <summary>
    /// A call whose answer is read as it comes (logs --follow, build's progress), with a JSON body when
    /// <paramref name="body"/> is given; a refusal is thrown as a CLI error like any other.
    /// </summary>
    public async Task<HttpResponseMessage> StreamAsync(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: SlipwayJson.Options);
        }

        var response = await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            new ApiResult(response.StatusCode, ParseJson(response, text), text, Server).EnsureOk();
            return response; // not reached: EnsureOk throws for every status that is not a success
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, completion, ct);
        }
        catch (HttpRequestException e)
        {
            var why = e.InnerException is { } inner && inner.Message != e.Message ? $"{e.Message} {inner.Message}" : e.Message;
            throw new CliException($"cannot reach the Slipway server at {Server} ({why}); is `slipway server` running? (set --server or $SLIPWAY_SERVER)", 2);
        }

        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            using (response)
            {
                var text = await response.Content.ReadAsStringAsync(ct);
                var error = new ApiResult(response.StatusCode, ParseJson(response, text), text, Server).Error;
                throw new CliException($"the server at {Server} refused the API token from {_credential.Source}: {error}", 2);
            }
        }

        return response;
    }

    private static JsonNode? ParseJson(HttpResponseMessage response, string text)
    {
        if (text.Length == 0 || response.Content.Headers.ContentType?.MediaType is not { } type || !(type == "application/json" || type.EndsWith("+json", StringComparison.Ordinal)))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// One answer of the API. Its errors always reach the user in one form, <c>error: …</c>: the API's own message,
/// and for an answer that is not the API's JSON (a proxy's HTML page, an empty body) the status alone —
/// "the server at http://… answered 502 Bad Gateway" — never the body's raw text.
/// </summary>
internal sealed record ApiResult(HttpStatusCode Status, JsonNode? Json, string Text, Uri Server)
{
    public bool Ok => (int)Status is >= 200 and < 300;

    /// <summary>The API's error message (<c>{"error": "…"}</c>), or what the status says when the body holds none.</summary>
    public string Error =>
        Json is JsonObject { } body && body["error"] is JsonValue value && value.TryGetValue<string>(out var error) && error.Length > 0
            ? error
            : $"the server at {Server} answered {StatusText}";

    /// <summary>The JSON document of a successful answer; an error when the answer was not JSON.</summary>
    public JsonNode Document => Json
        ?? throw new CliException($"the server at {Server} answered {StatusText} with {(Text.Length == 0 ? "an empty body" : "a body that is not JSON")}; is it the Slipway API? (set --server or $SLIPWAY_SERVER)", 1);

    private string StatusText => ReasonPhrases.GetReasonPhrase((int)Status) is { Length: > 0 } phrase ? $"{(int)Status} {phrase}" : $"{(int)Status}";

    /// <summary>The error the server gave (every spec error of a rejected spec, one per line), thrown as a CLI error with exit code 1.</summary>
    public ApiResult EnsureOk()
    {
        if (Ok)
        {
            return this;
        }

        if (Json is JsonObject { } body && body["errors"] is JsonArray errors)
        {
            var lines = errors.Select(e => e?.Deserialize<Core.Spec.SpecError>(SlipwayJson.Options)?.ToString() ?? "");
            throw new CliException(string.Join('\n', lines), 1);
        }

        throw new CliException(Error, 1);
    }

    public T Read<T>()
    {
        try
        {
            return Document.Deserialize<T>(SlipwayJson.Options) ?? throw new CliException($"the server at {Server} sent null where a document was expected", 1);
        }
        catch (JsonException e)
        {
            throw new CliException($"the server at {Server} sent JSON this slipway does not understand ({e.Message}); are the CLI and the server the same version?", 1);
        }
    }
}

internal sealed class CliException(string message, int exitCode) : Exception(message)
{
    public int ExitCode => exitCode;
}
