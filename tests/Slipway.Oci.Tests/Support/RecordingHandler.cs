namespace Slipway.Oci.Tests.Support;

/// <summary>Sees the requests a client sends (method, path and query, Content-Range): how a test checks the protocol a client spoke.</summary>
internal sealed class RecordingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private readonly List<string> requests = [];

    /// <summary>Each request as <c>METHOD /path?query [Content-Range]</c>, in order.</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (requests)
            {
                return [.. requests];
            }
        }
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var range = request.Content?.Headers.TryGetValues("Content-Range", out var values) == true ? " " + string.Join(",", values) : "";
        lock (requests)
        {
            requests.Add($"{request.Method} {request.RequestUri?.PathAndQuery}{range}");
        }

        return base.SendAsync(request, cancellationToken);
    }
}
