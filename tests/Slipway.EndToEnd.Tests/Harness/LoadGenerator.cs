using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;

namespace Slipway.EndToEnd.Tests.Harness;

/// <summary>
/// Continuous GET traffic through the router at a fixed rate, counting what users would see:
/// responses by version, 5xx answers and connection errors. Bounded: it stops when disposed.
/// </summary>
internal sealed class LoadGenerator : IAsyncDisposable
{
    private const int Workers = 12;
    private readonly HttpClient _http;
    private readonly string _host;
    private readonly double _rate;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _tasks = [];
    private readonly ConcurrentDictionary<string, long> _versions = new();
    private readonly ConcurrentQueue<string> _failures = new();
    private readonly Stopwatch _clock = new();
    private long _ok;
    private long _failed;

    public LoadGenerator(int routerPort, string host, double requestsPerSecond = 300)
    {
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Workers, PooledConnectionLifetime = TimeSpan.FromSeconds(30) })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{routerPort}/"),
            Timeout = TimeSpan.FromSeconds(15),
        };
        _host = host;
        _rate = requestsPerSecond;
    }

    public long Ok => Interlocked.Read(ref _ok);

    public long Failed => Interlocked.Read(ref _failed);

    public long Total => Ok + Failed;

    public double RequestsPerSecond => Total / Math.Max(0.001, _clock.Elapsed.TotalSeconds);

    public IReadOnlyDictionary<string, long> Versions => _versions;

    public IReadOnlyCollection<string> FailureSamples => _failures.Take(20).ToList();

    public LoadGenerator Start()
    {
        _clock.Start();
        var interval = TimeSpan.FromSeconds(Workers / _rate);
        for (var i = 0; i < Workers; i++)
        {
            var offset = interval * i / Workers;
            _tasks.Add(Task.Run(() => WorkAsync(interval, offset, _stop.Token)));
        }

        return this;
    }

    public string Summary() =>
        $"{Total} requests ({RequestsPerSecond:0} rps), {Failed} failed, versions [{string.Join(", ", _versions.Select(v => $"{v.Key}={v.Value}"))}]"
        + (Failed > 0 ? $"; failures: {string.Join(" | ", FailureSamples)}" : "");

    /// <summary>Waits until at least <paramref name="count"/> more requests completed.</summary>
    public Task WaitForMoreAsync(long count, TimeSpan timeout)
    {
        var target = Total + count;
        return Eventually.WaitAsync(() => Task.FromResult(Total), t => t >= target, timeout, $"{count} more requests");
    }

    private async Task WorkAsync(TimeSpan interval, TimeSpan offset, CancellationToken ct)
    {
        var next = _clock.Elapsed + offset;
        while (!ct.IsCancellationRequested)
        {
            var wait = next - _clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            next += interval;
            await SendOneAsync(ct);
        }
    }

    private async Task SendOneAsync(CancellationToken ct)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/");
            request.Headers.Host = _host;
            using var response = await _http.SendAsync(request, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            if ((int)response.StatusCode >= 500)
            {
                Fail($"{(int)response.StatusCode} {body.Trim()}");
                return;
            }

            var version = response.Headers.TryGetValues("X-Version", out var v) ? v.First() : "(none)";
            _versions.AddOrUpdate(version, 1, (_, n) => n + 1);
            Interlocked.Increment(ref _ok);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or SocketException or IOException)
        {
            Fail(e.GetBaseException().Message);
        }
    }

    private void Fail(string why)
    {
        Interlocked.Increment(ref _failed);
        if (_failures.Count < 100)
        {
            _failures.Enqueue($"{why} at {_clock.Elapsed.TotalSeconds:0.00}s");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_tasks);
        _clock.Stop();
        _http.Dispose();
        _stop.Dispose();
    }
}
