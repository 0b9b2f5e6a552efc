using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Slipway.EndToEnd.Tests.Harness;

/// <summary>
/// Continuous traffic through the router at a fixed rate, counting what users would see. Every
/// third request is a <c>POST /echo</c> with a body, which the router never retries (not
/// idempotent), so a request lost in a switch or a drain shows; the rest are <c>GET /</c>. A
/// request fails when it gets no response, a status other than 2xx (a <c>404 no route</c>
/// included), or a POST whose echoed body differs from the one sent. Bounded: it stops when
/// disposed.
/// </summary>
internal sealed class LoadGenerator : IAsyncDisposable
{
    private const int Workers = 12;
    private const int PostEvery = 3;
    private readonly HttpClient _http;
    private readonly string _host;
    private readonly double _rate;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _tasks = [];
    private readonly ConcurrentDictionary<string, long> _versions = new();
    private readonly ConcurrentDictionary<string, long> _failuresByKind = new();
    private readonly ConcurrentQueue<string> _failures = new();
    private readonly Stopwatch _clock = new();
    private long _sent;
    private long _ok;
    private long _failed;
    private long _posts;
    private int _disposed;

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

    /// <summary>Completed requests (answered or failed).</summary>
    public long Total => Ok + Failed;

    /// <summary>Completed POST requests.</summary>
    public long Posts => Interlocked.Read(ref _posts);

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

    /// <summary>What was sent and seen; the rate is for the reader, never for an assertion (it is the machine's speed).</summary>
    public string Summary() =>
        $"{Total} requests ({Posts} POST) in {_clock.Elapsed.TotalSeconds:0.0}s ({Total / Math.Max(0.001, _clock.Elapsed.TotalSeconds):0}/s), {Failed} failed"
        + (Failed > 0 ? $" [{string.Join(", ", _failuresByKind.Select(f => $"{f.Key}: {f.Value}"))}]" : "")
        + $", versions [{string.Join(", ", _versions.Select(v => $"{v.Key}={v.Value}"))}]"
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
            var n = Interlocked.Increment(ref _sent);
            await (n % PostEvery == 0 ? SendPostAsync(n, ct) : SendGetAsync(ct));
        }
    }

    private async Task SendGetAsync(CancellationToken ct)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/");
            request.Headers.Host = _host;
            using var response = await _http.SendAsync(request, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                Fail("GET", ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture), body);
                return;
            }

            Succeed(response);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or SocketException or IOException)
        {
            Fail("GET", "no response", e.GetBaseException().Message);
        }
    }

    private async Task SendPostAsync(long n, CancellationToken ct)
    {
        // Different for every request, so an answer meant for another request cannot pass.
        var sent = $"{{\"request\":{n},\"host\":\"{_host}\",\"padding\":\"{new string((char)('a' + (n % 26)), 200 + (int)(n % 300))}\"}}";
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/echo") { Content = new StringContent(sent, Encoding.UTF8, "application/json") };
            request.Headers.Host = _host;
            using var response = await _http.SendAsync(request, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                Fail("POST", ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture), body);
                return;
            }

            if (body != sent)
            {
                Fail("POST", "wrong echo", $"sent {sent.Length} characters, got {body.Length}");
                return;
            }

            Interlocked.Increment(ref _posts);
            Succeed(response);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or SocketException or IOException)
        {
            Fail("POST", "no response", e.GetBaseException().Message);
        }
    }

    private void Succeed(HttpResponseMessage response)
    {
        var version = response.Headers.TryGetValues("X-Version", out var v) ? v.First() : "(none)";
        _versions.AddOrUpdate(version, 1, (_, c) => c + 1);
        Interlocked.Increment(ref _ok);
    }

    private void Fail(string method, string kind, string detail)
    {
        Interlocked.Increment(ref _failed);
        _failuresByKind.AddOrUpdate($"{method} {kind}", 1, (_, c) => c + 1);
        if (_failures.Count < 100)
        {
            var text = detail.Trim();
            _failures.Enqueue($"{method} {kind} {text[..Math.Min(text.Length, 120)]} at {_clock.Elapsed.TotalSeconds:0.00}s");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync();
        await Task.WhenAll(_tasks);
        _clock.Stop();
        _http.Dispose();
        _stop.Dispose();
    }
}
