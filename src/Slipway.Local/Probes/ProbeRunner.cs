using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Slipway.Core.Spec;

namespace Slipway.Local.Probes;

/// <summary>
/// Runs the probe attempts of one process of an instance, each within its timeout. HTTP probes keep their connection
/// alive from one attempt to the next (a TCP handshake, a socket, a server-side accept and a TIME_WAIT entry per probe
/// otherwise, multiplied by every instance), so the runner owns its connections: one runner per process, disposed as
/// soon as its probes stop, which closes them. The instance runner stops the probes before it sends SIGTERM, so a
/// kept-alive probe connection never holds a graceful shutdown open (servers such as Python's ThreadingHTTPServer, or
/// Node's before version 19, wait for their open connections to close before they exit).
/// </summary>
internal sealed class ProbeRunner : IProbeRunner, IDisposable
{
    private readonly ProbeTarget _target;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;

    public ProbeRunner(ProbeTarget target, TimeProvider time)
    {
        _target = target;
        _time = time;
        _http = new HttpClient(new SocketsHttpHandler
        {
            // Probes go straight to loopback, never through an HTTP_PROXY from the environment.
            UseProxy = false,
            AllowAutoRedirect = false,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            // The default (1 min) keeps the connection across the default period (10 s); with longer periods a probe
            // opens a new one, as a server would likely have closed the old one by then anyway.
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        })
        {
            Timeout = Timeout.InfiniteTimeSpan, // each probe has its own timeout
        };
    }

    public async Task<ProbeResult> RunAsync(ProbeAction action, TimeSpan timeout, CancellationToken ct)
    {
        using var timeoutSource = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeoutSource.Token);
        try
        {
            return action switch
            {
                HttpGetAction get => await HttpGetAsync(get, linked.Token).ConfigureAwait(false),
                TcpSocketAction tcp => await TcpConnectAsync(tcp.Port ?? _target.Port, linked.Token).ConfigureAwait(false),
                ExecAction exec => await ExecAsync(exec, _target, linked.Token).ConfigureAwait(false),
                _ => ProbeResult.Fail($"unknown probe action {action.GetType().Name}"),
            };
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return ProbeResult.Fail($"timed out after {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s");
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or IOException or System.ComponentModel.Win32Exception or Docker.Engine.DockerEngineException or Docker.Engine.DockerEngineUnavailableException)
        {
            return ProbeResult.Fail(e.Message);
        }
    }

    /// <summary>Closes the kept-alive probe connections: before the process is told to stop.</summary>
    public void Dispose() => _http.Dispose();

    private async Task<ProbeResult> HttpGetAsync(HttpGetAction get, CancellationToken ct)
    {
        var path = get.Path.StartsWith('/') ? get.Path : "/" + get.Path;
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{get.Port ?? _target.Port}{path}");
        request.Headers.UserAgent.ParseAdd("slipway-probe");
        // Only the status counts. The body is not read here: disposing the response drains a small one (up to the
        // handler's MaxResponseDrainSize, 1 MiB) and keeps the connection, or closes it when the body is bigger.
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        var code = (int)response.StatusCode;
        return code is >= 200 and < 400 ? ProbeResult.Ok($"HTTP {code}") : ProbeResult.Fail($"HTTP {code}");
    }

    private static async Task<ProbeResult> TcpConnectAsync(int port, CancellationToken ct)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port, ct).ConfigureAwait(false);
        return ProbeResult.Ok($"connected to port {port}");
    }

    private static async Task<ProbeResult> ExecAsync(ExecAction exec, ProbeTarget target, CancellationToken ct)
    {
        if (exec.Command.Count == 0)
        {
            return ProbeResult.Fail("exec probe has no command");
        }

        if (target.ExecInside is { } inside)
        {
            var (exitCode, text) = await inside(exec.Command, ct).ConfigureAwait(false);
            return exitCode == 0 ? ProbeResult.Ok("exit code 0") : ProbeResult.Fail($"exit code {exitCode}: {Tail(text)}");
        }

        var info = new ProcessStartInfo(exec.Command[0])
        {
            UseShellExecute = false,
            WorkingDirectory = target.WorkingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in exec.Command.Skip(1))
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Clear();
        foreach (var (name, value) in target.Environment)
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info) ?? throw new IOException($"cannot start {exec.Command[0]}");
        process.StandardInput.Close();
        // Drained so that a chatty command never blocks on a full pipe; only the tail is kept for the detail.
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var errors = process.StandardError.ReadToEndAsync(ct);
        try
        {
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
            await Task.WhenAll(output, errors).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return process.ExitCode == 0
            ? ProbeResult.Ok("exit code 0")
            : ProbeResult.Fail($"exit code {process.ExitCode}: {Tail(errors.Result.Length > 0 ? errors.Result : output.Result)}");
    }

    private static string Tail(string text)
    {
        text = text.Trim();
        return text.Length <= 200 ? text : "…" + text[^200..];
    }
}
