using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Slipway.Core.Spec;

namespace Slipway.Local.Probes;

/// <summary>Runs one attempt of a probe action against an instance, within its timeout.</summary>
internal sealed class ProbeRunner(HttpClient http, TimeProvider time)
{
    public async Task<ProbeResult> RunAsync(ProbeAction action, ProbeTarget target, TimeSpan timeout, CancellationToken ct)
    {
        using var timeoutSource = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeoutSource.Token);
        try
        {
            return action switch
            {
                HttpGetAction get => await HttpGetAsync(get, target, linked.Token).ConfigureAwait(false),
                TcpSocketAction tcp => await TcpConnectAsync(tcp.Port ?? target.Port, linked.Token).ConfigureAwait(false),
                ExecAction exec => await ExecAsync(exec, target, linked.Token).ConfigureAwait(false),
                _ => ProbeResult.Fail($"unknown probe action {action.GetType().Name}"),
            };
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return ProbeResult.Fail($"timed out after {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s");
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or IOException or System.ComponentModel.Win32Exception)
        {
            return ProbeResult.Fail(e.Message);
        }
    }

    private async Task<ProbeResult> HttpGetAsync(HttpGetAction get, ProbeTarget target, CancellationToken ct)
    {
        var path = get.Path.StartsWith('/') ? get.Path : "/" + get.Path;
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{get.Port ?? target.Port}{path}");
        // No kept-alive connection: it would hold the instance's graceful shutdown open.
        request.Headers.ConnectionClose = true;
        request.Headers.UserAgent.ParseAdd("slipway-probe");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
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
