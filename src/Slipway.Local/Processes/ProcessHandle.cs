using System.Diagnostics;
using Slipway.Local.Workloads;

namespace Slipway.Local.Processes;

/// <summary>
/// A running instance process, identified by pid and /proc start time so that a recycled pid is
/// never mistaken for it. The pid is also its process-group id (it was started by setsid).
/// When this controller spawned it, the <see cref="Process"/> is kept for its exit code; an
/// adopted process is watched through /proc only.
/// </summary>
internal sealed class ProcessHandle : IWorkload
{
    private readonly Process? _child;

    private ProcessHandle(int pid, ulong startTime, DateTimeOffset startedAt, Process? child)
    {
        Pid = pid;
        StartTime = startTime;
        StartedAt = startedAt;
        _child = child;
    }

    public int Pid { get; }

    /// <summary>Field 22 of /proc/&lt;pid&gt;/stat.</summary>
    public ulong StartTime { get; }

    public DateTimeOffset StartedAt { get; }

    public bool IsAdopted => _child is null;

    public string? ContainerId => null;

    public bool IsAlive => ProcStat.Read(Pid) is { IsAlive: true } stat && stat.StartTime == StartTime;

    public static ProcessHandle ForChild(Process child, ulong startTime, DateTimeOffset startedAt) =>
        new(child.Id, startTime, startedAt, child);

    /// <summary>The process recorded earlier, if it still runs; null when it is gone or its pid was reused.</summary>
    public static ProcessHandle? Adopt(int pid, ulong startTime, DateTimeOffset startedAt)
    {
        var handle = new ProcessHandle(pid, startTime, startedAt, child: null);
        return pid > 0 && handle.IsAlive ? handle : null;
    }

    /// <summary>Completes when the process has exited, with a description of how (e.g. "exit code 1").</summary>
    public async Task<string> WaitForExitAsync(TimeProvider time, TimeSpan pollInterval, CancellationToken ct)
    {
        if (_child is not null)
        {
            await _child.WaitForExitAsync(ct).ConfigureAwait(false);
            return DescribeExitCode(_child.ExitCode);
        }

        while (IsAlive)
        {
            await Task.Delay(pollInterval, time, ct).ConfigureAwait(false);
        }

        // Not our child: its parent (init) reaped it and kept the status.
        return "exited (status unknown: adopted process)";
    }

    public Task SignalAsync(int signal, CancellationToken ct)
    {
        SignalGroup(signal);
        return Task.CompletedTask;
    }

    /// <summary>Signals the whole process group, falling back to the pid in the instant before setsid has run.</summary>
    public void SignalGroup(int signal)
    {
        if (!PosixSignals.SignalGroup(Pid, signal) && IsAlive)
        {
            PosixSignals.SignalProcess(Pid, signal);
        }
    }

    /// <summary>.NET reports a death by signal N as 128 + N, as shells do.</summary>
    internal static string DescribeExitCode(int exitCode) => exitCode switch
    {
        > 128 and < 128 + 32 => $"killed by {SignalName(exitCode - 128)}",
        _ => $"exit code {exitCode}",
    };

    private static string SignalName(int signal) => signal switch
    {
        1 => "SIGHUP",
        2 => "SIGINT",
        3 => "SIGQUIT",
        6 => "SIGABRT",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        13 => "SIGPIPE",
        15 => "SIGTERM",
        _ => $"signal {signal}",
    };
}
