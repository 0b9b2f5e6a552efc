using Slipway.Local.State;

namespace Slipway.Local.Workloads;

/// <summary>
/// Starts, finds again and cleans up the workloads of one kind: processes of a directory artifact, containers of an
/// image. The supervision loop (restarts, probes, backoff, the grace period) is the same for both.
/// </summary>
internal interface IWorkloadRuntime
{
    /// <summary>
    /// Starts an incarnation of <paramref name="instance"/> with <paramref name="environment"/> (secrets included), its
    /// output appended to the instance's log. Not cancellable once begun: a stop arriving mid-start must find it.
    /// </summary>
    Task<IWorkload> StartAsync(Instance instance, IReadOnlyDictionary<string, string> environment, CancellationToken ct);

    /// <summary>The workload <paramref name="record"/> names, if it still runs; null when it is gone. Its output goes on to <paramref name="logPath"/>.</summary>
    Task<IWorkload?> AdoptAsync(InstanceRecord record, string logPath, CancellationToken ct);

    /// <summary>
    /// Kills what runs for the instance that its record does not know (the controller died between starting it and
    /// saving it): it holds the instance's port, and never served traffic.
    /// </summary>
    Task StopStraysAsync(InstanceRecord record, IWorkload? known, CancellationToken ct);

    /// <summary>After an incarnation has exited: frees what it held (a container is removed). Never throws.</summary>
    Task ReleaseAsync(IWorkload workload, CancellationToken ct);

    /// <summary>How an exec probe runs inside <paramref name="workload"/>; null when it runs on the host, in the instance's directory.</summary>
    Func<IReadOnlyList<string>, CancellationToken, Task<(int ExitCode, string Output)>>? ExecInside(IWorkload workload);

    /// <summary>Whether its instances run in a copy of their artifact directory (a process does; a container has its image).</summary>
    bool UsesWorkingDirectory { get; }
}
