using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace Slipway.Docker.Engine;

/// <summary>
/// HTTP to the Engine API over its unix socket: SocketsHttpHandler with a ConnectCallback that opens the socket, so
/// everything else (pooling, chunked request bodies for build contexts, streamed responses for progress and logs) is
/// the BCL's HttpClient. Requests name API 1.41 (dockerd 20.10) explicitly: a newer engine answers it the same way,
/// and an older one refuses clearly instead of misreading fields.
/// </summary>
internal sealed class EngineConnection : IDisposable
{
    public const string ApiVersion = "1.41";

    /// <summary>Bounds calls that answer at once (inspect, create, kill): a hung engine must not hang the controller.</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromMinutes(2);

    private readonly HttpClient _http;

    public EngineConnection(DockerEndpoint endpoint)
    {
        Endpoint = endpoint;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(endpoint.SocketPath), ct).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        };

        // Timeouts are per call: builds, pushes, waits and followed logs last as long as they last.
        _http = new HttpClient(handler) { BaseAddress = new Uri($"http://docker/v{ApiVersion}/"), Timeout = Timeout.InfiniteTimeSpan };
    }

    public DockerEndpoint Endpoint { get; }

    /// <summary>Sends a request whose answer comes at once, bounded by <see cref="RequestTimeout"/>; the body is read.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            var response = await SendCoreAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            return response;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new DockerEngineException($"Docker Engine at {Endpoint} did not answer {request.Method} {request.RequestUri} within {RequestTimeout.TotalSeconds:0} s");
        }
    }

    /// <summary>Sends a request whose answer is a stream (progress, logs, wait): only the caller's token bounds it.</summary>
    public Task<HttpResponseMessage> SendStreamingAsync(HttpRequestMessage request, CancellationToken ct) =>
        SendCoreAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);

    public async Task<T> GetJsonAsync<T>(string path, CancellationToken ct)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), ct).ConfigureAwait(false);
        await EnsureSuccessAsync(response, $"GET {path}", ct).ConfigureAwait(false);
        return await ReadJsonAsync<T>(response, ct).ConfigureAwait(false);
    }

    public static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, CancellationToken ct) =>
        await response.Content.ReadFromJsonAsync<T>(EngineJson.Options, ct).ConfigureAwait(false)
        ?? throw new DockerEngineException($"the Docker Engine answered {response.RequestMessage?.RequestUri} with an empty body");

    public static HttpContent Json<T>(T body) =>
        new StringContent(JsonSerializer.Serialize(body, EngineJson.Options), System.Text.Encoding.UTF8, new MediaTypeHeaderValue("application/json"));

    /// <summary>Throws the engine's own message (its JSON <c>message</c> field) with the status, for a non-2xx answer.</summary>
    public static async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        throw new DockerEngineException($"{what}: {await ErrorMessageAsync(response, ct).ConfigureAwait(false)}", response.StatusCode);
    }

    public static async Task<string> ErrorMessageAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        try
        {
            if (JsonSerializer.Deserialize<EngineError>(text, EngineJson.Options) is { Message: { Length: > 0 } message })
            {
                return message;
            }
        }
        catch (JsonException)
        {
            // Not the engine's JSON (a proxy, an old engine): the text as it came.
        }

        return text.Length > 0 ? text.Trim() : $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
    }

    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken ct)
    {
        try
        {
            return await _http.SendAsync(request, completion, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException or IOException && e.HttpRequestError == HttpRequestError.ConnectionError)
        {
            throw new DockerEngineUnavailableException(Endpoint, e);
        }
    }

    private sealed record EngineError(string? Message);
}
