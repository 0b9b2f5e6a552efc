using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Slipway.Core.Serialization;

namespace Slipway.Cli;

/// <summary>The CLI's only way to the control plane: its HTTP API.</summary>
internal sealed class ApiClient(Uri server) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = server, Timeout = Timeout.InfiniteTimeSpan };

    public Uri Server => server;

    public async Task<ApiResult> SendAsync(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: SlipwayJson.Options);
        }

        try
        {
            using var response = await _http.SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            var json = text.Length > 0 && response.Content.Headers.ContentType?.MediaType == "application/json" ? JsonNode.Parse(text) : null;
            return new ApiResult(response.StatusCode, json, text);
        }
        catch (HttpRequestException e)
        {
            throw new CliException($"cannot reach the Slipway server at {server} ({e.Message}); is `slipway server` running? (set --server or SLIPWAY_SERVER)", 2);
        }
    }

    public Task<HttpResponseMessage> StreamAsync(string path, CancellationToken ct) =>
        _http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, ct);

    public void Dispose() => _http.Dispose();
}

internal sealed record ApiResult(HttpStatusCode Status, JsonNode? Json, string Text)
{
    public bool Ok => (int)Status is >= 200 and < 300;

    /// <summary>The error the server gave, or the body; thrown as a CLI error with exit code 1.</summary>
    public ApiResult EnsureOk()
    {
        if (Ok)
        {
            return this;
        }

        var message = Json?["error"]?.GetValue<string>() ?? (Text.Length > 0 ? Text : Status.ToString());
        throw new CliException(message, 1);
    }

    public T Read<T>() => Json.Deserialize<T>(SlipwayJson.Options) ?? throw new CliException("the server sent an empty answer", 1);
}

internal sealed class CliException(string message, int exitCode) : Exception(message)
{
    public int ExitCode => exitCode;
}
