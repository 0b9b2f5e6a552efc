using System.Globalization;
using Microsoft.Extensions.Logging;
using Slipway.Local.State;
using Slipway.Local.Workloads;

namespace Slipway.Local.Processes;

/// <summary>
/// Instances of a directory artifact: detached process groups started by <see cref="ProcessLauncher"/> in the
/// instance's own copy of the artifact, found again by pid and /proc start time.
/// </summary>
internal sealed partial class ProcessRuntime(ProcessLauncher launcher, TimeProvider time, ILogger logger) : IWorkloadRuntime
{
    private static readonly TimeSpan StrayKillTimeout = TimeSpan.FromSeconds(5);

    public bool UsesWorkingDirectory => true;

    public async Task<IWorkload> StartAsync(Instance instance, IReadOnlyDictionary<string, string> environment, CancellationToken ct) =>
        await launcher.StartAsync(instance.WorkingDirectory, instance.Spec.Command, instance.Spec.Args, environment, instance.LogPath, ct).ConfigureAwait(false);

    public Task<IWorkload?> AdoptAsync(InstanceRecord record, string logPath, CancellationToken ct) =>
        Task.FromResult<IWorkload?>(record.ProcessStartedAt is { } startedAt ? ProcessHandle.Adopt(record.Pid, record.ProcessStartTime, startedAt) : null);

    /// <summary>
    /// Every live process whose environment says it is this instance on this port, but for the recorded one: killed
    /// with its process group.
    /// </summary>
    public async Task StopStraysAsync(InstanceRecord record, IWorkload? known, CancellationToken ct)
    {
        var strays = ProcEnvironment.FindProcesses(new Dictionary<string, string>
        {
            [InstanceEnvironment.InstanceVariable] = record.Spec.InstanceId,
            [InstanceEnvironment.PortVariable] = record.Port.ToString(CultureInfo.InvariantCulture),
        }).Where(pid => pid != known?.Pid).ToList();
        if (strays.Count == 0)
        {
            return;
        }

        Log.KillingStrays(logger, record.Spec.InstanceId, string.Join(", ", strays));
        foreach (var pid in strays)
        {
            PosixSignals.SignalGroup(pid, PosixSignals.SigKill);
            PosixSignals.SignalProcess(pid, PosixSignals.SigKill);
        }

        var until = time.GetUtcNow() + StrayKillTimeout;
        while (strays.Any(pid => ProcStat.Read(pid) is { IsAlive: true }) && time.GetUtcNow() < until)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), time, ct).ConfigureAwait(false);
        }
    }

    public Task ReleaseAsync(IWorkload workload, CancellationToken ct) => Task.CompletedTask;

    public Func<IReadOnlyList<string>, CancellationToken, Task<(int ExitCode, string Output)>>? ExecInside(IWorkload workload) => null;

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceId}: killing processes its record does not know (pids {Pids})")]
        public static partial void KillingStrays(ILogger logger, string instanceId, string pids);
    }
}
