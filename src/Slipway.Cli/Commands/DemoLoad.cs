using System.Collections.Concurrent;

namespace Slipway.Cli.Commands;

/// <summary>The demo's steady traffic: a few clients in a loop through the router, counting answers per version and failures.</summary>
internal sealed class DemoLoad(Uri router, string host) : IAsyncDisposable
{
    private const string Failed = "failed";

    private readonly HttpClient _http = new() { BaseAddress = router, Timeout = TimeSpan.FromSeconds(10) };
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _workers = [];
    private readonly ConcurrentDictionary<string, long> _totals = new(StringComparer.Ordinal);
    private ConcurrentDictionary<string, long> _window = new(StringComparer.Ordinal);

    public void Start()
    {
        for (var i = 0; i < 4; i++)
        {
            _workers.Add(Task.Run(() => WorkAsync(_stop.Token)));
        }
    }

    /// <summary>What was answered since the last call: <c>v2 87  v3 9  failed 2</c>.</summary>
    public string TakeWindow()
    {
        var window = Interlocked.Exchange(ref _window, new ConcurrentDictionary<string, long>(StringComparer.Ordinal));
        var versions = window.Where(w => w.Key != Failed).OrderBy(w => w.Key, StringComparer.Ordinal).Select(w => $"{w.Key} {w.Value,3}");
        return string.Join("  ", versions.Append($"failed {window.GetValueOrDefault(Failed)}"));
    }

    /// <summary>Every request so far, and how many failed (any non-2xx, or no answer).</summary>
    public (long Requests, long Failed) Totals() => (_totals.Values.Sum(), _totals.GetValueOrDefault(Failed));

    private async Task WorkAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/");
                request.Headers.Host = host;
                using var response = await _http.SendAsync(request, ct);
                var version = response.Headers.TryGetValues("X-Version", out var v) ? v.FirstOrDefault() ?? "?" : "?";
                Count(response.IsSuccessStatusCode ? version : Failed);
                await Task.Delay(40, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (HttpRequestException)
            {
                Count(Failed);
            }
        }
    }

    private void Count(string key)
    {
        _totals.AddOrUpdate(key, 1, (_, n) => n + 1);
        _window.AddOrUpdate(key, 1, (_, n) => n + 1);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
        _http.Dispose();
        _stop.Dispose();
    }
}
