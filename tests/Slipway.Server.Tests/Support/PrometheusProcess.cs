using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Slipway.Server.Tests.Support;

/// <summary>
/// A real Prometheus server (Debian's <c>prometheus</c>, installed by <c>.ci/run</c>) on a free loopback port, with a
/// data directory of its own, scraping the given targets' <c>/metrics</c> every second. Started ready
/// (<c>/-/ready</c> answers); disposing kills it and deletes its directory.
/// </summary>
/// <remarks>
/// Prometheus takes a few seconds to start on a busy machine: the deadlines are generous, and tests wait for what
/// they need to have been scraped (<see cref="WaitForAsync"/>) rather than for a time.
/// </remarks>
internal sealed class PrometheusProcess : IAsyncDisposable
{
    public static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(120);
    public static readonly TimeSpan ScrapeDeadline = TimeSpan.FromSeconds(60);

    private const int LogLines = 200;

    private readonly Process _process;
    private readonly TemporaryDirectory _directory;
    private readonly Queue<string> _log;
    private readonly HttpClient _http;

    private PrometheusProcess(Process process, TemporaryDirectory directory, Queue<string> log, int port)
    {
        _process = process;
        _directory = directory;
        _log = log;
        Address = $"http://127.0.0.1:{port}";
        _http = new HttpClient { BaseAddress = new Uri(Address), Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary><c>http://127.0.0.1:PORT</c>: what a <c>prometheus</c> metric's <c>address</c> is set to.</summary>
    public string Address { get; }

    /// <summary>The last lines Prometheus logged, for a failure message.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return string.Join('\n', _log);
            }
        }
    }

    /// <param name="targets">What to scrape, as <c>host:port</c> (e.g. a router's admin address); path <c>/metrics</c>.</param>
    public static async Task<PrometheusProcess> StartAsync(params string[] targets)
    {
        // The port is picked free, then given to Prometheus: another process may take it meanwhile, so try again.
        for (var attempt = 1; ; attempt++)
        {
            var directory = new TemporaryDirectory();
            var port = LoopbackPorts.Free();
            var log = new Queue<string>();
            Process process;
            try
            {
                process = Start(directory, port, targets, log);
            }
            catch (InvalidOperationException)
            {
                directory.Dispose();
                throw;
            }

            var prometheus = new PrometheusProcess(process, directory, log, port);
            try
            {
                await prometheus.WaitUntilReadyAsync();
                return prometheus;
            }
            catch (Exception) when (attempt < 3 && process.HasExited && prometheus.Log.Contains("address already in use", StringComparison.Ordinal))
            {
                await prometheus.DisposeAsync();
            }
            catch (Exception)
            {
                await prometheus.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>An instant query's <c>data</c> (<c>resultType</c> and <c>result</c>); fails the test on an error answer.</summary>
    public async Task<JsonElement> QueryAsync(string query)
    {
        using var response = await _http.GetAsync($"/api/v1/query?query={Uri.EscapeDataString(query)}");
        var body = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(body);
        Assert.True(json.RootElement.GetProperty("status").GetString() == "success", $"Prometheus refused {query}: {body}");
        return json.RootElement.GetProperty("data").Clone();
    }

    /// <summary>
    /// Waits until <paramref name="query"/> (a scalar, or a vector of one sample) equals <paramref name="expected"/>:
    /// until Prometheus has scraped what the test did, e.g. <c>sum(slipway_router_requests_total)</c> = the requests sent.
    /// </summary>
    public async Task WaitForAsync(string query, double expected, TimeSpan? timeout = null)
    {
        double? last = null;
        try
        {
            await Eventually.TrueAsync(async () => (last = Value(await QueryAsync(query))) == expected, $"{query} = {expected}", timeout ?? ScrapeDeadline);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message} (last: {last?.ToString(CultureInfo.InvariantCulture) ?? "no sample"}); Prometheus's log:\n{Log}", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (InvalidOperationException)
        {
            // It had exited already.
        }

        _process.Dispose();
        _directory.Dispose();
    }

    private static Process Start(TemporaryDirectory directory, int port, string[] targets, Queue<string> log)
    {
        var config = $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: slipway
                metrics_path: /metrics
                static_configs:
                  - targets: [{string.Join(", ", targets.Select(t => $"\"{t}\""))}]

            """;
        var configPath = directory.WriteFile("prometheus.yml", config);
        var info = new ProcessStartInfo("prometheus")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in (string[])[
            $"--config.file={configPath}",
            $"--storage.tsdb.path={directory.Combine("data")}",
            $"--web.listen-address=127.0.0.1:{port}",
            "--storage.tsdb.retention.time=1h",
        ])
        {
            info.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Keep(log, e.Data);
        process.ErrorDataReceived += (_, e) => Keep(log, e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            process.Dispose();
            throw new InvalidOperationException($"cannot start prometheus ({e.Message}): install Debian's prometheus package, as .ci/run does", e);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task WaitUntilReadyAsync()
    {
        try
        {
            await Eventually.TrueAsync(
                async () =>
                {
                    if (_process.HasExited)
                    {
                        throw new InvalidOperationException($"prometheus exited with code {_process.ExitCode}:\n{Log}");
                    }

                    try
                    {
                        using var response = await _http.GetAsync("/-/ready");
                        return response.IsSuccessStatusCode;
                    }
                    catch (HttpRequestException)
                    {
                        return false;
                    }
                },
                $"Prometheus ready on {Address}",
                StartDeadline);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; its log:\n{Log}", e);
        }
    }

    /// <summary>The value of a scalar, or of the one sample of a vector; null for anything else.</summary>
    private static double? Value(JsonElement data)
    {
        var result = data.GetProperty("result");
        var sample = data.GetProperty("resultType").GetString() switch
        {
            "scalar" => result,
            "vector" when result.GetArrayLength() == 1 => result[0].GetProperty("value"),
            _ => default,
        };
        return sample.ValueKind == JsonValueKind.Array
            ? double.Parse(sample[1].GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture)
            : null;
    }

    private static void Keep(Queue<string> log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.Enqueue(line);
            if (log.Count > LogLines)
            {
                log.Dequeue();
            }
        }
    }
}
