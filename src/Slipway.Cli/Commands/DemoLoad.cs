namespace Slipway.Cli.Commands;

/// <summary>The demo's steady traffic: a few clients in a loop through the router, counting versions and failures.</summary>
internal sealed class DemoLoad(Uri router, string host) : IAsyncDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = router, Timeout = TimeSpan.FromSeconds(10) };
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _workers = [];
    private long _v1, _v2, _failed, _windowV1, _windowV2, _windowFailed;

    public void Start()
    {
        for (var i = 0; i < 4; i++)
        {
            _workers.Add(Task.Run(() => WorkAsync(_stop.Token)));
        }
    }

    public (long V1, long V2, long Failed) TakeWindow() =>
        (Interlocked.Exchange(ref _windowV1, 0), Interlocked.Exchange(ref _windowV2, 0), Interlocked.Exchange(ref _windowFailed, 0));

    public (long Requests, long Failed) Totals() =>
        (Interlocked.Read(ref _v1) + Interlocked.Read(ref _v2) + Interlocked.Read(ref _failed), Interlocked.Read(ref _failed));

    private async Task WorkAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/");
                request.Headers.Host = host;
                using var response = await _http.SendAsync(request, ct);
                var version = response.Headers.TryGetValues("X-Version", out var v) ? v.FirstOrDefault() : null;
                if (!response.IsSuccessStatusCode)
                {
                    Count(ref _failed, ref _windowFailed);
                }
                else if (version == "v2")
                {
                    Count(ref _v2, ref _windowV2);
                }
                else
                {
                    Count(ref _v1, ref _windowV1);
                }

                await Task.Delay(40, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (HttpRequestException)
            {
                Count(ref _failed, ref _windowFailed);
            }
        }
    }

    private static void Count(ref long total, ref long window)
    {
        Interlocked.Increment(ref total);
        Interlocked.Increment(ref window);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
        _http.Dispose();
        _stop.Dispose();
    }
}
