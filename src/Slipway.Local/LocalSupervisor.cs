using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Slipway.Local.Logs;
using Slipway.Local.Processes;
using Slipway.Local.State;

namespace Slipway.Local;

/// <summary>
/// Runs the instances of the local target as detached processes and keeps them running. The
/// instances outlive the supervisor: disposing it (the controller exits or crashes) leaves them
/// serving, and a new supervisor on the same data directory adopts them with
/// <see cref="AdoptAllAsync"/>. Only <see cref="StopAsync"/> ends an instance.
/// </summary>
/// <remarks>
/// Data directory layout: instances/{instanceId}.json (state, see <see cref="InstanceRecord"/>),
/// workdirs/{instanceId}/ (the instance's copy of its artifact, see <see cref="InstanceWorkingDirectory"/>)
/// and logs/{app}/{env}/{revision}/{instanceId}.log (with its time index, {instanceId}.log.times, see
/// <see cref="LogCheckpointer"/>). Linux only: it relies on setsid, /proc and
/// process-group signals.
/// </remarks>
public sealed partial class LocalSupervisor : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, InstanceRunner> _runners = new(StringComparer.Ordinal);

    // The same runners by app×env, so a reconcile pass over one app×env reads its instances without scanning all.
    private readonly ConcurrentDictionary<(string App, string Environment), ConcurrentDictionary<string, InstanceRunner>> _byApp = new();
    private readonly SupervisorContext _context;
    private readonly string _logRoot;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly Lock _startGate = new();
    private readonly Task _logWatch;
    private readonly TaskCompletionSource _adopted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="secrets">Gives instances the values of their secret env at each start; without it, an instance with
    /// secret env fails to start, saying so.</param>
    /// <param name="docker">Runs instances of image artifacts as containers; without it, such an instance fails to start, saying so.</param>
    /// <param name="pullCredentials">The login for a registry (by host[:port]) the engine pulls an image from; null: anonymous.</param>
    public LocalSupervisor(
        string dataDirectory,
        TimeProvider time,
        ILoggerFactory loggerFactory,
        SupervisorOptions? options = null,
        IInstanceSecrets? secrets = null,
        Docker.DockerEngine? docker = null,
        Func<string, CancellationToken, Task<Docker.Engine.RegistryCredentials?>>? pullCredentials = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        DataDirectory = Path.GetFullPath(dataDirectory);
        _logRoot = LogLayout.Root(DataDirectory);
        Directory.CreateDirectory(_logRoot);
        _logger = loggerFactory.CreateLogger<LocalSupervisor>();
        options ??= new SupervisorOptions();
        _context = new SupervisorContext(
            options,
            time,
            new ProcessRuntime(new ProcessLauncher(time, _logger), time, _logger),
            docker is null ? null : new Containers.ContainerRuntime(docker, pullCredentials, _logger),
            new InstanceStateStore(Path.Combine(DataDirectory, "instances"), _logger),
            new PortAllocator(options.InstancePorts, () => _runners.Values.Select(r => r.Instance.Port)),
            _logger,
            secrets);
        _logWatch = Task.Run(() => WatchLogsAsync(_lifetime.Token));
    }

    public string DataDirectory { get; }

    public IReadOnlyCollection<Instance> Instances => _runners.Values.Select(r => r.Instance).ToList();

    /// <summary>The instance with this id, or null.</summary>
    public Instance? Find(string instanceId) => _runners.TryGetValue(instanceId, out var runner) ? runner.Instance : null;

    /// <summary>The instances of one app×env, found without looking at the others.</summary>
    public IReadOnlyList<Instance> InstancesOf(string app, string environment) =>
        _byApp.TryGetValue((app, environment), out var runners) ? runners.Values.Select(r => r.Instance).ToList() : [];

    /// <summary>
    /// Raised on every status change of an instance (phase, readiness, pid, restarts), on the
    /// thread that observed it. Handlers should be quick (signal a reconcile); exceptions they
    /// throw are logged and swallowed.
    /// </summary>
    public event Action<Instance>? Changed;

    /// <summary>
    /// Completes once <see cref="AdoptAllAsync"/> has taken over the recorded instances. Until then
    /// <see cref="Instances"/> does not show what runs, so nothing may conclude from it that an app's instances are
    /// gone (deleting their logs, say).
    /// </summary>
    public Task Adopted => _adopted.Task;

    /// <summary>
    /// Takes over the instances recorded in the data directory, once, at startup: a process still
    /// running (same pid and start time) is supervised again without a restart, keeping its
    /// readiness; one that died while no supervisor watched (or whose pid was never saved) is restarted on its port
    /// (on a new one when another process has taken it), once any process of it that the record does not know is killed.
    /// </summary>
    public async Task<IReadOnlyList<Instance>> AdoptAllAsync(CancellationToken ct)
    {
        var adopted = new List<Instance>();
        var records = _context.Store.LoadAll();
        RemoveOrphanedWorkingDirectories(records);
        foreach (var record in records)
        {
            ct.ThrowIfCancellationRequested();
            if (_runners.ContainsKey(record.Spec.InstanceId))
            {
                continue;
            }

            var runtime = _context.RuntimeFor(record.Spec);
            var logPath = LogLayout.InstanceLog(_logRoot, record.Spec.App, record.Spec.Environment, record.Spec.Revision, record.Spec.InstanceId);
            var process = runtime is null ? null : await runtime.AdoptAsync(record, logPath, ct).ConfigureAwait(false);
            if (process is null && runtime is not null)
            {
                await runtime.StopStraysAsync(record, known: null, ct).ConfigureAwait(false);
            }

            lock (_startGate)
            {
                if (_runners.ContainsKey(record.Spec.InstanceId))
                {
                    continue;
                }

                var started = process is not null && record.Started;
                var ready = started && record.Ready;
                var status = new InstanceStatus(
                    process is null ? InstancePhase.Starting : ready ? InstancePhase.Ready : started ? InstancePhase.Running : InstancePhase.Starting,
                    ready,
                    process?.Pid ?? 0,
                    record.Port,
                    // A process found dead is restarted: that counts, as any restart does.
                    process is null && record.Pid != 0 ? record.Restarts + 1 : record.Restarts,
                    process is null && record.Pid != 0 ? "exited while no supervisor was running" : record.LastExit,
                    ready ? record.ReadySince : null);
                Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
                var instance = new Instance(record.Spec, logPath, WorkingDirectoryOf(record.Spec), status, OnChanged);
                var runner = new InstanceRunner(instance, _context, record.ConsecutiveFailures);
                Track(runner);
                runner.Run(process, started);
                Log.Adopted(_logger, record.Spec.InstanceId, record.Pid, process is not null);
                adopted.Add(instance);
            }
        }

        _adopted.TrySetResult();
        return adopted;
    }

    /// <summary>
    /// Allocates a free port from <see cref="SupervisorOptions.InstancePorts"/> and starts supervising a new instance;
    /// the process is spawned in the background (watch <see cref="Changed"/> or <see cref="Instance.Status"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">An instance with this id is already supervised, or no port is free.</exception>
    public Instance Start(InstanceSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        ObjectDisposedException.ThrowIf(_lifetime.IsCancellationRequested, this);
        lock (_startGate)
        {
            if (_runners.ContainsKey(spec.InstanceId))
            {
                throw new InvalidOperationException($"instance '{spec.InstanceId}' is already supervised");
            }

            var port = _context.Ports.Allocate();
            var logPath = LogLayout.InstanceLog(_logRoot, spec.App, spec.Environment, spec.Revision, spec.InstanceId);
            PrepareLogDirectory(spec);
            var instance = new Instance(spec, logPath, WorkingDirectoryOf(spec), new InstanceStatus(InstancePhase.Starting, false, 0, port, 0, null, null), OnChanged);
            var runner = new InstanceRunner(instance, _context, consecutiveFailures: 0);
            Track(runner);
            runner.Run(adopted: null, started: false);
            return instance;
        }
    }

    /// <summary>
    /// Stops an instance for good: SIGTERM to its process group, up to its grace period, then
    /// SIGKILL to the group; then forgets it (state file removed, log kept). Cancelling cuts the
    /// grace period short.
    /// </summary>
    public async Task StopAsync(Instance instance, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (!_runners.TryGetValue(instance.Spec.InstanceId, out var runner) || runner.Instance != instance)
        {
            return;
        }

        try
        {
            await runner.StopAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            Untrack(runner);
        }
    }

    /// <summary>Stops supervising; the instances keep running, to be adopted by the next supervisor.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_lifetime.IsCancellationRequested)
        {
            return;
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_runners.Values.Select(r => r.HaltAsync())).ConfigureAwait(false);
        await _logWatch.ConfigureAwait(false);
        _lifetime.Dispose();
    }

    private void Track(InstanceRunner runner)
    {
        var spec = runner.Instance.Spec;
        _runners[spec.InstanceId] = runner;
        _byApp.GetOrAdd((spec.App, spec.Environment), _ => new ConcurrentDictionary<string, InstanceRunner>(StringComparer.Ordinal))[spec.InstanceId] = runner;
    }

    private void Untrack(InstanceRunner runner)
    {
        var spec = runner.Instance.Spec;
        _runners.TryRemove(new KeyValuePair<string, InstanceRunner>(spec.InstanceId, runner));
        lock (_startGate)
        {
            // Under the start lock, so a start of this app×env never adds to a dictionary being dropped.
            if (_byApp.TryGetValue((spec.App, spec.Environment), out var runners)
                && runners.TryRemove(new KeyValuePair<string, InstanceRunner>(spec.InstanceId, runner))
                && runners.IsEmpty)
            {
                _byApp.TryRemove((spec.App, spec.Environment), out _);
            }
        }
    }

    private string WorkingDirectoryOf(InstanceSpec spec) => InstanceWorkingDirectory.PathFor(DataDirectory, spec.InstanceId);

    private void RemoveOrphanedWorkingDirectories(IReadOnlyList<InstanceRecord> records)
    {
        lock (_startGate)
        {
            var known = records.Select(r => r.Spec.InstanceId).Concat(_runners.Keys).ToHashSet(StringComparer.Ordinal);
            try
            {
                foreach (var removed in InstanceWorkingDirectory.RemoveOrphans(DataDirectory, known))
                {
                    Log.WorkingDirectoryOrphanRemoved(_logger, removed);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Log.LogMaintenanceFailed(_logger, e);
            }
        }
    }

    /// <summary>A new revision's first instance creates its log directory, and old revisions' directories go.</summary>
    private void PrepareLogDirectory(InstanceSpec spec)
    {
        var directory = LogLayout.RevisionDirectory(_logRoot, spec.App, spec.Environment, spec.Revision);
        if (Directory.Exists(directory))
        {
            return;
        }

        Directory.CreateDirectory(directory);
        var inUse = _runners.Values
            .Select(r => r.Instance.Spec)
            .Where(s => s.App == spec.App && s.Environment == spec.Environment)
            .Select(s => s.Revision)
            .ToHashSet();
        inUse.Add(spec.Revision);
        try
        {
            foreach (var pruned in LogRetention.Prune(_logRoot, spec.App, spec.Environment, _context.Options.RetainedLogRevisions, inUse))
            {
                Log.LogsPruned(_logger, pruned);
            }
        }
        catch (IOException e)
        {
            Log.LogMaintenanceFailed(_logger, e);
        }
    }

    /// <summary>Once every <see cref="SupervisorOptions.LogCheckpointInterval"/>: log time indexes and rotation (see <see cref="LogCheckpointer"/>).</summary>
    private async Task WatchLogsAsync(CancellationToken ct)
    {
        var checkpointer = new LogCheckpointer(_context.Options.MaxLogBytes, _context.Options.RotatedLogFiles, _context.Time);
        using var timer = new PeriodicTimer(_context.Options.LogCheckpointInterval, _context.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                var look = checkpointer.Look(_runners.Values.Select(r => r.Instance.LogPath));
                foreach (var path in look.Rotated)
                {
                    Log.LogRotated(_logger, path);
                }

                foreach (var failure in look.Failures)
                {
                    Log.LogMaintenanceFailed(_logger, failure);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private void OnChanged(Instance instance)
    {
        try
        {
            Changed?.Invoke(instance);
        }
        catch (Exception e)
        {
            Log.ChangedHandlerFailed(_logger, instance.Spec.InstanceId, e);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceId}: adopted (recorded pid {Pid}, still running: {Alive})")]
        public static partial void Adopted(ILogger logger, string instanceId, int pid, bool alive);

        [LoggerMessage(Level = LogLevel.Information, Message = "Removed the working directory {Path} of an instance no longer recorded")]
        public static partial void WorkingDirectoryOrphanRemoved(ILogger logger, string path);

        [LoggerMessage(Level = LogLevel.Information, Message = "Rotated log {Path}")]
        public static partial void LogRotated(ILogger logger, string path);

        [LoggerMessage(Level = LogLevel.Information, Message = "Pruned old revision logs {Path}")]
        public static partial void LogsPruned(ILogger logger, string path);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Log maintenance failed")]
        public static partial void LogMaintenanceFailed(ILogger logger, Exception exception);

        [LoggerMessage(Level = LogLevel.Error, Message = "A Changed handler failed for instance {InstanceId}")]
        public static partial void ChangedHandlerFailed(ILogger logger, string instanceId, Exception exception);
    }
}
