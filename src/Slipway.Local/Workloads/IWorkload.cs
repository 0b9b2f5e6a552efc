namespace Slipway.Local.Workloads;

/// <summary>
/// What runs one incarnation of an instance — a process group (<see cref="Processes.ProcessHandle"/>) or a container
/// (a container of an image) — as the supervision loop sees it: something that can be waited on and
/// signalled, and that the instance's record identifies again after the controller has died.
/// </summary>
internal interface IWorkload
{
    /// <summary>The host pid of its main process (what status shows); 0 when unknown.</summary>
    int Pid { get; }

    /// <summary>Field 22 of /proc/&lt;pid&gt;/stat for a process, so a reused pid is never taken for it; 0 for a container.</summary>
    ulong StartTime { get; }

    public DateTimeOffset StartedAt { get; }

    /// <summary>The engine's id of the container; null for a process.</summary>
    string? ContainerId { get; }

    /// <summary>Completes when it has exited, with a description of how (e.g. "exit code 1").</summary>
    Task<string> WaitForExitAsync(TimeProvider time, TimeSpan pollInterval, CancellationToken ct);

    /// <summary>Sends a signal to all of it: the process group, or every process of the container.</summary>
    Task SignalAsync(int signal, CancellationToken ct);
}
