using Microsoft.Extensions.Logging;
using Slipway.Local.Processes;
using Slipway.Local.State;

namespace Slipway.Local;

/// <summary>
/// Stops every instance recorded in a data directory without supervising any of them: no probe runs, nothing is
/// restarted, nothing is started — what <c>slipway down</c> needs once no server runs. Adopting the instances with a
/// <see cref="LocalSupervisor"/> to stop them would, for the moments it supervised them, restart an instance that died
/// while no server ran, or one that crashed meanwhile: start the very thing being stopped (and run, say, its
/// migrations on the way).
/// <para>
/// An instance's processes are its recorded process (pid and start time, so a reused pid is never signalled) and every
/// live process whose environment says <c>SLIPWAY_INSTANCE=</c> its id: those the record does not know (the controller
/// died between starting one and saving its pid) and the children it started. Each gets SIGTERM to its process group,
/// the instance's grace period, then SIGKILL; then the instance's working directory and record are removed.
/// </para>
/// </summary>
internal static partial class InstanceShutdown
{
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Stops the instances recorded in <paramref name="dataDirectory"/> and returns once their processes have exited
    /// (their ports are free). Cancelling <paramref name="hurry"/> cuts the grace periods short (SIGKILL at once); the
    /// stop still completes.
    /// </summary>
    /// <returns>How many instances were recorded, and are now stopped and forgotten.</returns>
    /// <param name="docker">The engine that runs the instances of image artifacts; they are stopped and removed through it
    /// (null when none can be reached: then they are left running, and their records kept, for the next try).</param>
    public static async Task<int> StopAllAsync(string dataDirectory, TimeProvider time, ILogger logger, CancellationToken hurry, Docker.DockerEngine? docker = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        var store = new InstanceStateStore(Path.Combine(dataDirectory, "instances"), logger);
        var all = store.LoadAll();
        var records = all.Where(r => r.Spec.Image is null).ToList();
        var ids = records.Select(r => r.Spec.InstanceId).ToHashSet(StringComparer.Ordinal);
        var found = ProcEnvironment.FindProcessesByValue(InstanceEnvironment.InstanceVariable, ids);
        var containers = all.Where(r => r.Spec.Image is not null).ToList();
        var stoppedContainers = docker is null || containers.Count == 0
            ? 0
            : (await Task.WhenAll(containers.Select(record => StopContainerAsync(store, record, docker, logger, hurry))).ConfigureAwait(false)).Count(stopped => stopped);
        await Task.WhenAll(records.Select(record => StopAsync(
            dataDirectory, store, record, found.GetValueOrDefault(record.Spec.InstanceId) ?? [], time, logger, hurry))).ConfigureAwait(false);

        // Copies left by a controller that died while stopping an instance, after its record was gone.
        var remaining = Directory.Exists(store.Directory)
            ? Directory.EnumerateFiles(store.Directory, "*.json").Select(Path.GetFileNameWithoutExtension).OfType<string>().ToHashSet(StringComparer.Ordinal)
            : [];
        try
        {
            InstanceWorkingDirectory.RemoveOrphans(dataDirectory, remaining);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.WorkingDirectoriesNotRemoved(logger, InstanceWorkingDirectory.Root(dataDirectory), e);
        }

        return records.Count + stoppedContainers;
    }

    /// <summary>
    /// The engine's graceful stop of every container labelled with the instance (the stop signal, the grace period —
    /// none once <paramref name="hurry"/> is cancelled — then SIGKILL), then their removal and the record's.
    /// </summary>
    private static async Task<bool> StopContainerAsync(InstanceStateStore store, InstanceRecord record, Docker.DockerEngine docker, ILogger logger, CancellationToken hurry)
    {
        try
        {
            var labels = new Dictionary<string, string> { [Containers.ContainerRuntime.InstanceLabel] = record.Spec.InstanceId };
            foreach (var container in await docker.Containers.ListAsync(labels, CancellationToken.None).ConfigureAwait(false))
            {
                Log.StoppingContainer(logger, record.Spec.InstanceId, container.Id[..12]);
                await docker.Containers.StopAsync(container.Id, hurry.IsCancellationRequested ? TimeSpan.Zero : record.Spec.TerminationGracePeriod, CancellationToken.None).ConfigureAwait(false);
                await docker.Containers.RemoveAsync(container.Id, CancellationToken.None).ConfigureAwait(false);
            }

            store.Delete(record.Spec.InstanceId);
            return true;
        }
        catch (Exception e) when (e is Docker.Engine.DockerEngineException or Docker.Engine.DockerEngineUnavailableException)
        {
            Log.ContainerNotStopped(logger, record.Spec.InstanceId, e.Message);
            return false;
        }
    }

    private static async Task StopAsync(
        string dataDirectory, InstanceStateStore store, InstanceRecord record, List<int> found, TimeProvider time, ILogger logger, CancellationToken hurry)
    {
        var processes = new List<ProcessHandle>();
        if (record.ProcessStartedAt is { } startedAt && ProcessHandle.Adopt(record.Pid, record.ProcessStartTime, startedAt) is { } recorded)
        {
            processes.Add(recorded);
        }

        foreach (var pid in found)
        {
            if (pid != record.Pid && ProcStat.Read(pid) is { IsAlive: true } stat
                && ProcessHandle.Adopt(pid, stat.StartTime, time.GetUtcNow()) is { } other)
            {
                processes.Add(other);
            }
        }

        if (processes.Count > 0)
        {
            Log.Stopping(logger, record.Spec.InstanceId, string.Join(", ", processes.Select(p => p.Pid)));
            Signal(processes, PosixSignals.SigTerm);
            await WaitForExitAsync(processes, time, record.Spec.TerminationGracePeriod, hurry).ConfigureAwait(false);
            Signal(processes, PosixSignals.SigKill); // always: grandchildren may outlive the leader
            await WaitForExitAsync(processes, time, KillWait, CancellationToken.None).ConfigureAwait(false);
        }

        try
        {
            InstanceWorkingDirectory.Remove(InstanceWorkingDirectory.PathFor(dataDirectory, record.Spec.InstanceId));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.WorkingDirectoriesNotRemoved(logger, InstanceWorkingDirectory.PathFor(dataDirectory, record.Spec.InstanceId), e);
        }

        store.Delete(record.Spec.InstanceId);
    }

    private static void Signal(List<ProcessHandle> processes, int signal)
    {
        foreach (var process in processes)
        {
            if (process.IsAlive)
            {
                process.SignalGroup(signal);
            }
        }
    }

    private static async Task WaitForExitAsync(List<ProcessHandle> processes, TimeProvider time, TimeSpan timeout, CancellationToken ct)
    {
        var until = time.GetUtcNow() + timeout;
        while (processes.Any(p => p.IsAlive) && time.GetUtcNow() < until && !ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(PollInterval, time, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceId}: stopping pids {Pids}")]
        public static partial void Stopping(ILogger logger, string instanceId, string pids);

        [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceId}: stopping container {ContainerId}")]
        public static partial void StoppingContainer(ILogger logger, string instanceId, string containerId);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceId}: its container was not stopped: {Reason}")]
        public static partial void ContainerNotStopped(ILogger logger, string instanceId, string reason);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot remove the working directory {Path}")]
        public static partial void WorkingDirectoriesNotRemoved(ILogger logger, string path, Exception exception);
    }
}
