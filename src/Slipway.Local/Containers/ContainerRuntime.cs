using System.Globalization;
using Microsoft.Extensions.Logging;
using Slipway.Docker;
using Slipway.Docker.Containers;
using Slipway.Docker.Engine;
using Slipway.Local.State;
using Slipway.Local.Workloads;
using Slipway.Oci;

namespace Slipway.Local.Containers;

/// <summary>
/// Instances of an image artifact: one container each, through the Docker Engine — host networking (the instance
/// listens on its <c>$PORT</c>, as a process does), no restart policy (the supervisor restarts, with its backoff, and
/// sees every exit), tini as PID 1 (so SIGTERM reaches an app that installs no handler), and labels naming app, env,
/// revision and instance, by which a new controller finds the containers of its instances again. A container outlives
/// the controller as a process does; it is removed once it has exited, after its output is in the instance's log.
/// </summary>
internal sealed partial class ContainerRuntime(DockerEngine engine, Func<string, CancellationToken, Task<RegistryCredentials?>>? pullCredentials, ILogger logger)
    : IWorkloadRuntime
{
    public const string AppLabel = "dev.slipway.app";
    public const string EnvironmentLabel = "dev.slipway.env";
    public const string RevisionLabel = "dev.slipway.revision";
    public const string InstanceLabel = "dev.slipway.instance";

    private const int MaxProbeOutput = 4096;

    private static readonly TimeSpan LogDrain = TimeSpan.FromSeconds(2);

    public bool UsesWorkingDirectory => false;

    public async Task<IWorkload> StartAsync(Instance instance, IReadOnlyDictionary<string, string> environment, CancellationToken ct)
    {
        var spec = instance.Spec;
        var image = ImageReference.Parse(spec.Image!);
        if (await engine.Images.InspectAsync(spec.Image!, ct).ConfigureAwait(false) is null)
        {
            var credentials = pullCredentials is null ? null : await pullCredentials(image.Registry, ct).ConfigureAwait(false);
            await engine.Images.PullAsync(image, credentials, onOutput: null, ct).ConfigureAwait(false);
        }

        // A container left by an incarnation whose removal did not happen (a controller that died): the name is needed.
        await engine.Containers.RemoveAsync(NameOf(spec), ct).ConfigureAwait(false);
        var id = await engine.Containers.CreateAsync(
            new ContainerSpec(
                spec.Image!,
                NameOf(spec),
                Command: spec.Command.Length > 0 ? spec.Command : null,
                Args: spec.Command.Length > 0 || spec.Args.Count > 0 ? spec.Args : null,
                Environment: environment,
                Labels: LabelsOf(spec)),
            ct).ConfigureAwait(false);
        await engine.Containers.StartAsync(id, ct).ConfigureAwait(false);
        var state = await engine.Containers.InspectAsync(id, ct).ConfigureAwait(false);
        var workload = new ContainerWorkload(engine, id, state?.Pid ?? 0, state?.StartedAt ?? DateTimeOffset.UtcNow);
        workload.PumpLogs(instance.LogPath, since: null);
        Log.Started(logger, spec.InstanceId, id[..12], spec.Image!);
        return workload;
    }

    public async Task<IWorkload?> AdoptAsync(InstanceRecord record, string logPath, CancellationToken ct)
    {
        if (record.ContainerId is not { } id)
        {
            return null;
        }

        var state = await engine.Containers.InspectAsync(id, ct).ConfigureAwait(false);
        if (state is not { Running: true })
        {
            return null;
        }

        var workload = new ContainerWorkload(engine, id, state.Pid, state.StartedAt ?? DateTimeOffset.UtcNow);

        // Its output while no controller watched is in the engine's log: resume after the file's last write, the
        // moment of the last line it got (a line the engine stamped in that same instant may be written twice).
        workload.PumpLogs(logPath, File.Exists(logPath) ? new DateTimeOffset(File.GetLastWriteTimeUtc(logPath), TimeSpan.Zero) : state.StartedAt);
        return workload;
    }

    public async Task StopStraysAsync(InstanceRecord record, IWorkload? known, CancellationToken ct)
    {
        var strays = (await engine.Containers.ListAsync(new Dictionary<string, string> { [InstanceLabel] = record.Spec.InstanceId }, ct).ConfigureAwait(false))
            .Where(c => c.Id != known?.ContainerId)
            .ToList();
        foreach (var stray in strays)
        {
            Log.RemovingStray(logger, record.Spec.InstanceId, stray.Id[..12]);
            await engine.Containers.RemoveAsync(stray.Id, ct).ConfigureAwait(false);
        }
    }

    public async Task ReleaseAsync(IWorkload workload, CancellationToken ct)
    {
        if (workload is not ContainerWorkload container)
        {
            return;
        }

        try
        {
            await container.StopPumpAsync(LogDrain).ConfigureAwait(false);
            await engine.Containers.RemoveAsync(container.ContainerId, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DockerEngineException or DockerEngineUnavailableException or OperationCanceledException)
        {
            Log.NotRemoved(logger, container.ContainerId[..12], e.Message);
        }
    }

    public Func<IReadOnlyList<string>, CancellationToken, Task<(int ExitCode, string Output)>>? ExecInside(IWorkload workload) =>
        async (command, ct) =>
        {
            var result = await engine.Containers.ExecAsync(workload.ContainerId!, command, environment: null, MaxProbeOutput, ct).ConfigureAwait(false);
            return (result.ExitCode, result.Output);
        };

    /// <summary>The container's name: the instance's id, which is unique across the supervisor, with Slipway's prefix.</summary>
    public static string NameOf(InstanceSpec spec) => "slipway-" + spec.InstanceId;

    private static Dictionary<string, string> LabelsOf(InstanceSpec spec) => new()
    {
        [AppLabel] = spec.App,
        [EnvironmentLabel] = spec.Environment,
        [RevisionLabel] = spec.Revision.ToString(CultureInfo.InvariantCulture),
        [InstanceLabel] = spec.InstanceId,
    };

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceId}: started container {ContainerId} of {Image}")]
        public static partial void Started(ILogger logger, string instanceId, string containerId, string image);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceId}: removing container {ContainerId}, which its record does not know")]
        public static partial void RemovingStray(ILogger logger, string instanceId, string containerId);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Container {ContainerId} was not removed: {Reason}")]
        public static partial void NotRemoved(ILogger logger, string containerId, string reason);
    }
}
