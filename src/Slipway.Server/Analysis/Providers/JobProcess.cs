using System.Diagnostics;
using Slipway.Local.Processes;

namespace Slipway.Server.Analysis.Providers;

/// <summary>
/// A job's process, in a process group of its own, with the last bytes of its output. It is started the way
/// <see cref="ProcessLauncher"/> starts an instance — <c>setsid</c>, then a <c>sh</c> wrapper that only redirects and
/// <c>exec</c>s the command with its arguments as given (no shell parses them) — so that the group can be killed
/// whole: a smoke test's <c>curl</c> or a load test's workers die with it, wherever they were re-parented.
/// </summary>
/// <remarks>
/// Not CliWrap, although it restores: it kills a process tree by parent links (<see cref="Process.Kill(bool)"/>),
/// which misses grandchildren re-parented to init, and it reads stdout and stderr on two pipes, which loses their
/// order. Here both go into one pipe (<c>2&gt;&amp;1</c>), so the output reads as it would in a terminal.
/// </remarks>
internal sealed class JobProcess : IDisposable
{
    // $0 is a label, the rest the command and its arguments.
    private const string Wrapper = "exec \"$@\" </dev/null 2>&1";

    // The same, keeping the standard input the job is given (an event hook's event).
    private const string WrapperWithInput = "exec \"$@\" 2>&1";

    private readonly Process _process;
    private readonly ProcessHandle _handle;
    private readonly OutputTail _output;
    private readonly Task _reading;

    private JobProcess(Process process, ProcessHandle handle, OutputTail output)
    {
        _process = process;
        _handle = handle;
        _output = output;
        _reading = ReadAsync(process.StandardOutput.BaseStream, output);
    }

    /// <summary>The job's pid, which is also its process-group id.</summary>
    public int Pid => _handle.Pid;

    /// <summary>When the job's process started, in clock ticks since boot (/proc): tells it from a later process with its pid.</summary>
    public ulong StartTime => _handle.StartTime;

    /// <param name="environment">Variables to set over the server's own; a null value removes one.</param>
    /// <param name="inheritEnvironment">False: the job gets <paramref name="environment"/> only, not the server's (a hook
    /// runs with its revision's environment, as an instance does, never with the server's own secrets).</param>
    /// <param name="standardInput">Written to the job's standard input, which is then closed; null: /dev/null.</param>
    /// <exception cref="System.ComponentModel.Win32Exception"><c>setsid</c> could not be started.</exception>
    public static JobProcess Start(
        string executable,
        IReadOnlyList<string> args,
        string workingDirectory,
        IReadOnlyDictionary<string, string?> environment,
        int outputLimit,
        TimeProvider time,
        bool inheritEnvironment = true,
        string? standardInput = null)
    {
        var info = new ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardInput = standardInput is not null,
            StandardInputEncoding = standardInput is null ? null : new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        };
        foreach (var arg in (string[])["/bin/sh", "-c", standardInput is null ? Wrapper : WrapperWithInput, "slipway-job", executable, .. args])
        {
            info.ArgumentList.Add(arg);
        }

        if (!inheritEnvironment)
        {
            info.Environment.Clear();
        }

        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("setsid did not start");
        var handle = ProcessHandle.ForChild(process, ProcStat.Read(process.Id)?.StartTime ?? 0, time.GetUtcNow());
        if (standardInput is not null)
        {
            _ = WriteInputAsync(process.StandardInput, standardInput);
        }

        return new JobProcess(process, handle, new OutputTail(outputLimit));
    }

    /// <summary>Writes the input and closes it, so the job reads to its end; a job that never reads it is no error.</summary>
    private static async Task WriteInputAsync(StreamWriter input, string text)
    {
        try
        {
            await using (input.ConfigureAwait(false))
            {
                await input.WriteAsync(text).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The job exited, or closed its input, before reading it all.
        }
    }

    /// <summary>Completes with the exit code when the job's own process has exited (128 + N when signal N killed it).</summary>
    public async Task<int> WaitForExitAsync(CancellationToken ct)
    {
        await _process.WaitForExitAsync(ct).ConfigureAwait(false);
        return _process.ExitCode;
    }

    /// <summary>
    /// Kills every process of the job's group (SIGKILL: a timed-out job has had its time), and waits up to
    /// <paramref name="wait"/> for the job's own process to be gone.
    /// </summary>
    public async Task KillAsync(TimeSpan wait, TimeProvider time)
    {
        _handle.SignalGroup(PosixSignals.SigKill);
        try
        {
            await _process.WaitForExitAsync().WaitAsync(wait, time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Unkillable for now (stuck in the kernel); its output so far is all there is.
        }
    }

    /// <summary>
    /// Once the job has exited: kills what it left running in its group (a background process it forgot), which
    /// would otherwise run on unwatched and hold its output open. True when something was left.
    /// </summary>
    public bool KillLeftovers() => PosixSignals.SignalGroup(Pid, PosixSignals.SigKill);

    /// <summary>
    /// The output, once its pipe has closed (every writer gone), or as it is after <paramref name="wait"/> when
    /// something outside the group still holds it open. False in <c>Complete</c> then.
    /// </summary>
    public async Task<(string Output, bool Complete)> ReadOutputAsync(TimeSpan wait, TimeProvider time)
    {
        try
        {
            await _reading.WaitAsync(wait, time).ConfigureAwait(false);
            return (_output.ToString(), true);
        }
        catch (TimeoutException)
        {
            return (_output.ToString(), false);
        }
    }

    public void Dispose() => _process.Dispose();

    private static async Task ReadAsync(Stream stream, OutputTail output)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                output.Append(buffer.AsSpan(0, read));
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The process was disposed while something still held its output open.
        }
    }
}
