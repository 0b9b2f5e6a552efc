using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Slipway.EndToEnd.Tests.Harness;

/// <summary>
/// The built <c>slipway</c> CLI as a long-running process (<c>demo</c>, <c>server</c>) in its own
/// process group and session, as a shell job in a terminal is: SIGINT and SIGTERM at their default
/// disposition (a runner started in the background may have SIGINT ignored, which children
/// inherit), output read line by line. Disposing kills what is still running.
/// </summary>
internal sealed class CliProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly Task _readers;
    private volatile bool _stdoutClosed;
    private bool _disposed;

    private CliProcess(Process process)
    {
        _process = process;
        _readers = Task.WhenAll(ReadAsync(process.StandardOutput, _stdout, () => _stdoutClosed), ReadAsync(process.StandardError, _stderr, () => false));
    }

    public int Pid => _process.Id;

    public string Stdout => string.Join('\n', _stdout);

    public string Stderr => string.Join('\n', _stderr);

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static CliProcess Start(params string[] args)
    {
        // env resets the dispositions; setsid execs (its caller is no group leader), so the pid is the CLI's and its pgid.
        var info = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Paths.Repository };
        foreach (var arg in (string[])["--default-signal=INT,TERM", "setsid", "dotnet", Paths.SlipwayDll, .. args])
        {
            info.ArgumentList.Add(arg);
        }

        return new CliProcess(Process.Start(info)!);
    }

    /// <summary>Waits for a line of stdout containing <paramref name="text"/> and returns it; fails when the process exits first.</summary>
    public async Task<string> WaitForLineAsync(string text, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (_stdout.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal)) is { } line)
            {
                return line;
            }

            if (_process.HasExited)
            {
                await _readers.WaitAsync(TimeSpan.FromSeconds(10));
                return _stdout.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal))
                    ?? throw new InvalidOperationException($"exited with {_process.ExitCode} before printing '{text}':\n{Stdout}\n{Stderr}");
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"no line with '{text}' after {timeout.TotalSeconds:0}s:\n{Stdout}\n{Stderr}");
    }

    /// <summary>
    /// Sends a signal with kill(1): to the process group (as a terminal's Ctrl-C does) or to the
    /// process alone. False when there was no process left to receive it.
    /// </summary>
    public async Task<bool> SignalAsync(string signal, bool group)
    {
        var target = (group ? -Pid : Pid).ToString(CultureInfo.InvariantCulture);
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-s", signal, "--", target }, UseShellExecute = false, RedirectStandardError = true })!;
        await kill.StandardError.ReadToEndAsync();
        await kill.WaitForExitAsync();
        return kill.ExitCode == 0;
    }

    /// <summary>Closes the read end of stdout, as a <c>| tee</c> killed by the same Ctrl-C does: the next write fails with EPIPE.</summary>
    public void CloseStdout()
    {
        _stdoutClosed = true;
        _process.StandardOutput.Close();
    }

    /// <summary>Waits for the exit with a generous deadline (a wait, not a timing assertion); false if it is still running.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            await _readers.WaitAsync(TimeSpan.FromSeconds(10));
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static async Task ReadAsync(StreamReader reader, ConcurrentQueue<string> lines, Func<bool> closedByUs)
    {
        try
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                lines.Enqueue(line);
            }
        }
        catch (Exception e) when ((e is ObjectDisposedException or IOException or InvalidOperationException) && closedByUs())
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
