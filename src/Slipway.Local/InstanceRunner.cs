using Microsoft.Extensions.Logging;
using Slipway.Local.Probes;
using Slipway.Local.Processes;
using Slipway.Local.State;
using Slipway.Local.Workloads;

namespace Slipway.Local;

/// <summary>
/// The supervision loop of one instance: spawn (or adopt) the process, probe it, and when it
/// exits or fails its startup or liveness probe, restart it on the same port after an
/// exponential backoff (on a new port when another process has taken it meanwhile). Halting
/// the loop leaves the process running (the controller is going away, the instance must keep
/// serving); only <see cref="StopAsync"/> terminates it.
/// </summary>
internal sealed partial class InstanceRunner
{
    private static readonly TimeSpan StopPollInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan PortReleaseWait = TimeSpan.FromSeconds(3);

    private readonly Instance _instance;
    private readonly SupervisorContext _context;
    private readonly IWorkloadRuntime? _runtime; // null: no runtime for this kind of artifact (a status says so)
    private IReadOnlyDictionary<string, string> _environment; // rebuilt by the loop when the port moves
    private readonly CancellationTokenSource _lifetime = new();
    private readonly Lock _gate = new();
    private Task _loop = Task.CompletedTask;
    private Task? _stopping;

    // Guarded by _gate: written by the loop, read by probe callbacks and StopAsync. Never take
    // the instance's status lock while holding _gate, nor the reverse.
    private IWorkload? _process;
    private bool _started;
    private int _consecutiveFailures;
    private bool _deleted; // guarded by the store's lock

    public InstanceRunner(Instance instance, SupervisorContext context, int consecutiveFailures)
    {
        _instance = instance;
        _context = context;
        _consecutiveFailures = consecutiveFailures;
        _runtime = context.RuntimeFor(instance.Spec);
        _environment = InstanceEnvironment.Build(instance.Spec, instance.Port, context.InheritedFor(instance.Spec));
    }

    public Instance Instance => _instance;

    /// <summary>Begins supervising: with <paramref name="adopted"/>, the process found running; otherwise spawns one.</summary>
    public void Run(IWorkload? adopted, bool started)
    {
        lock (_gate)
        {
            _process = adopted;
            _started = adopted is not null && started;
        }

        Persist();
        _loop = Task.Run(() => LoopAsync(adopted, isRestart: false, _lifetime.Token));
    }

    /// <summary>Stops supervising without touching the process: the controller is exiting.</summary>
    public async Task HaltAsync()
    {
        await _lifetime.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
    }

    /// <summary>
    /// SIGTERM to the process group, up to the grace period for the process to exit, then SIGKILL
    /// to the group (always: grandchildren may outlive the leader). Cancelling
    /// <paramref name="ct"/> cuts the grace period short; the instance is stopped either way.
    /// </summary>
    public Task StopAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            // Task.Run: StopCoreAsync takes _gate itself, and must not run inside this lock.
            return _stopping ??= Task.Run(() => StopCoreAsync(ct), CancellationToken.None);
        }
    }

    private async Task StopCoreAsync(CancellationToken ct)
    {
        await HaltAsync().ConfigureAwait(false);
        IWorkload? process;
        lock (_gate)
        {
            process = _process;
            _process = null;
        }

        _instance.Update(s => s with { Phase = InstancePhase.Terminating, Ready = false, ReadySince = null });
        var ended = "stopped";
        if (process is not null)
        {
            Log.Stopping(_context.Logger, _instance.Spec.InstanceId, process.Pid);
            ended = await TerminateAsync(process, ct).ConfigureAwait(false);
            await _runtime!.ReleaseAsync(process, CancellationToken.None).ConfigureAwait(false);
        }

        // Before the state file: a controller dying in between restarts the instance from a fresh copy, never leaks one.
        try
        {
            InstanceWorkingDirectory.Remove(_instance.WorkingDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.WorkingDirectoryNotRemoved(_context.Logger, _instance.Spec.InstanceId, _instance.WorkingDirectory, e);
        }

        lock (_context.Store)
        {
            // A probe callback finishing late must not write the file back.
            _deleted = true;
            _context.Store.Delete(_instance.Spec.InstanceId);
        }

        _instance.Update(s => s with { Phase = InstancePhase.Stopped, Pid = 0, LastExit = ended });
        ct.ThrowIfCancellationRequested();
    }

    private async Task LoopAsync(IWorkload? process, bool isRestart, CancellationToken ct)
    {
        try
        {
            if (process is not null)
            {
                // Adopted, perhaps from a controller that ran instances in the shared artifact copy: probes need the copy.
                TryPrepareWorkingDirectory();

                // Its exec probes run with its env, secrets included, as they did under the controller that started it.
                if (await ResolveSecretsAsync(ct).ConfigureAwait(false) is { Values: { } values })
                {
                    _environment = InstanceEnvironment.Build(_instance.Spec, _instance.Port, _context.InheritedFor(_instance.Spec), values);
                }
            }

            while (true)
            {
                ct.ThrowIfCancellationRequested();
                process ??= await SpawnAsync(isRestart, ct).ConfigureAwait(false);
                var (reason, alive) = process is null
                    ? (_instance.Status.LastExit ?? "failed to start", false)
                    : await SuperviseAsync(process, ct).ConfigureAwait(false);

                if (alive && process is not null)
                {
                    _instance.Update(s => s with { Phase = InstancePhase.Terminating, Ready = false, ReadySince = null, LastExit = reason });
                    await TerminateAsync(process, ct).ConfigureAwait(false);
                }

                if (process is not null)
                {
                    await _runtime!.ReleaseAsync(process, ct).ConfigureAwait(false);
                }

                await BackOffAsync(process, reason, ct).ConfigureAwait(false);
                process = null;
                isRestart = true;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Halted: the process is left as it is.
        }
        catch (Exception e)
        {
            Log.LoopFailed(_context.Logger, _instance.Spec.InstanceId, e);
        }
    }

    private async Task<IWorkload?> SpawnAsync(bool isRestart, CancellationToken ct)
    {
        if (!await EnsurePortFreeAsync().ConfigureAwait(false))
        {
            return null;
        }

        var spec = _instance.Spec;
        if (_runtime is null)
        {
            _instance.Update(s => s with { LastExit = $"failed to start: {_context.NoRuntimeReason(spec)}" });
            return null;
        }

        if (!TryPrepareWorkingDirectory())
        {
            return null;
        }

        // The secret values of this start, asked for now: they live in the process's environment and in memory, never
        // in the state file. Without them the process is not started: it would run without config it needs.
        var secrets = await ResolveSecretsAsync(ct).ConfigureAwait(false);
        if (secrets.Problem is { } problem)
        {
            Log.SecretsUnavailable(_context.Logger, spec.InstanceId, problem);
            _instance.Update(s => s with { LastExit = $"failed to start: {problem}" });
            return null;
        }

        _environment = InstanceEnvironment.Build(spec, _instance.Port, _context.InheritedFor(_instance.Spec), secrets.Values);

        IWorkload process;
        try
        {
            // Not cancellable (the launch is bounded): a stop or halt arriving mid-launch must
            // find the new process recorded below, or it would be orphaned.
            process = await _runtime.StartAsync(_instance, _environment, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.SpawnFailed(_context.Logger, spec.InstanceId, e);
            _instance.Update(s => s with { LastExit = $"failed to start: {e.Message}" });
            return null;
        }

        lock (_gate)
        {
            _process = process;
            _started = false;
        }

        _instance.Update(s => s with
        {
            Phase = InstancePhase.Starting,
            Ready = false,
            ReadySince = null,
            Pid = process.Pid,
            Restarts = isRestart ? s.Restarts + 1 : s.Restarts,
        });
        Persist();
        Log.Spawned(_context.Logger, spec.InstanceId, process.Pid, _instance.Port);
        return process;
    }

    /// <summary>
    /// Before each start: when another process holds the instance's port (an outgoing connection took it while the
    /// instance was down, or some server did), moves the instance to a new port rather than start, again and again, a
    /// process that cannot listen. The status says why (and the new port is its endpoint); the record is saved before
    /// the process starts, so a controller that dies in between knows which port the process got. False when no
    /// port is free: the start fails, and is tried again after the backoff.
    /// </summary>
    private async Task<bool> EnsurePortFreeAsync()
    {
        var port = _instance.Port;

        // A process that has just died lets go of its sockets only once its last thread has exited, a moment after it
        // looks dead: give the port that moment before deciding someone else holds it.
        var until = _context.Time.GetUtcNow() + PortReleaseWait;
        while (!PortAllocator.CanBind(port))
        {
            if (_context.Time.GetUtcNow() >= until)
            {
                return MovePort(port);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), _context.Time).ConfigureAwait(false);
        }

        return true;
    }

    private bool MovePort(int port)
    {

        int moved;
        try
        {
            moved = _context.Ports.Allocate();
        }
        catch (InvalidOperationException e)
        {
            Log.NoFreePort(_context.Logger, _instance.Spec.InstanceId, port, e.Message);
            _instance.Update(s => s with { LastExit = $"port {port} is taken by another process, and {e.Message}" });
            return false;
        }

        _environment = InstanceEnvironment.Build(_instance.Spec, moved, _context.InheritedFor(_instance.Spec));
        var why = $"port {port} is taken by another process; moved to port {moved}";
        _instance.Update(s => s with { Port = moved, LastExit = s.LastExit is null ? why : $"{s.LastExit}; {why}" });
        Persist();
        Log.PortMoved(_context.Logger, _instance.Spec.InstanceId, port, moved);
        return true;
    }

    /// <summary>The values of the instance's secret env for this start (none to ask for: an empty answer).</summary>
    private async Task<SecretResolution> ResolveSecretsAsync(CancellationToken ct)
    {
        var spec = _instance.Spec;
        if (spec.SecretEnv.Count == 0)
        {
            return SecretResolution.Resolved(System.Collections.Frozen.FrozenDictionary<string, string>.Empty);
        }

        if (_context.Secrets is not { } secrets)
        {
            return SecretResolution.Failed($"its env takes {string.Join(", ", spec.SecretEnv.Keys.Order(StringComparer.Ordinal))} from secrets, and this supervisor has no access to secrets (the Slipway server gives them)");
        }

        try
        {
            var resolution = await secrets.ResolveAsync(spec, ct).ConfigureAwait(false);
            var missing = resolution.Values is { } values ? spec.SecretEnv.Keys.Where(name => !values.ContainsKey(name)).Order(StringComparer.Ordinal).ToList() : [];
            return missing.Count == 0 ? resolution : SecretResolution.Failed($"no value for {string.Join(", ", missing)}");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.SecretsFailed(_context.Logger, spec.InstanceId, e.GetType().Name);
            return SecretResolution.Failed($"its secrets could not be read ({e.GetType().Name})");
        }
    }

    /// <summary>Makes the instance's own copy of its artifact unless it has one; false (recorded as the last exit) when that fails.</summary>
    private bool TryPrepareWorkingDirectory()
    {
        if (_runtime is not { UsesWorkingDirectory: true })
        {
            return true;
        }

        try
        {
            InstanceWorkingDirectory.Ensure(_instance.Spec.WorkingDirectory, _instance.WorkingDirectory);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.WorkingDirectoryFailed(_context.Logger, _instance.Spec.InstanceId, _instance.WorkingDirectory, e);
            _instance.Update(s => s with { LastExit = $"failed to start: cannot copy the artifact into its working directory: {e.Message}" });
            return false;
        }
    }

    /// <summary>Watches one process until it exits (alive = false) or its probes ask for a restart (alive = true).</summary>
    private async Task<(string Reason, bool Alive)> SuperviseAsync(IWorkload process, CancellationToken ct)
    {
        using var incarnation = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var exit = process.WaitForExitAsync(_context.Time, _context.Options.AdoptedProcessPollInterval, incarnation.Token);
        bool started;
        lock (_gate)
        {
            started = _started;
        }

        var ready = _instance.Status.Ready;

        // Disposed when this method returns, after the probes have stopped: its kept-alive connections are closed
        // before anything sends the process SIGTERM (a restart, or StopAsync, which halts this loop first).
        using var probeRunner = new ProbeRunner(new ProbeTarget(_instance.Port, _instance.WorkingDirectory, _environment) { ExecInside = _runtime?.ExecInside(process) }, _context.Time);
        var probes = new InstanceProbes(
            probeRunner, _context.Time, Random.Shared, _instance.Spec.Probes, _context.Options.ImplicitReadinessPeriod, _instance.Spec.InstanceId, _context.Logger)
            .RunAsync(started, ready, () => OnStarted(process), r => OnReadinessChanged(process, r), incarnation.Token);

        var first = await Task.WhenAny(exit, probes).ConfigureAwait(false);
        await incarnation.CancelAsync().ConfigureAwait(false);
        var other = first == exit ? (Task)probes : exit;
        await other.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();

        lock (_gate)
        {
            _process = null;
        }

        if (first == exit)
        {
            var description = await exit.ConfigureAwait(false);
            // Ready drops at once, before anything else, so routes stop pointing at a dead port.
            _instance.Update(s => s with { Ready = false, ReadySince = null, LastExit = description });
            Log.Exited(_context.Logger, _instance.Spec.InstanceId, process.Pid, description);
            return (description, false);
        }

        var reason = await probes.ConfigureAwait(false);
        Log.Unhealthy(_context.Logger, _instance.Spec.InstanceId, process.Pid, reason);
        return (reason, true);
    }

    private async Task BackOffAsync(IWorkload? process, string reason, CancellationToken ct)
    {
        var options = _context.Options;
        int failures;
        lock (_gate)
        {
            // A process that stayed up long enough was healthy: this failure starts a new series.
            if (process is not null && _context.Time.GetUtcNow() - process.StartedAt >= options.BackoffResetAfter)
            {
                _consecutiveFailures = 0;
            }

            failures = ++_consecutiveFailures;
        }

        var delay = RestartBackoff.Delay(failures, options.InitialRestartBackoff, options.MaxRestartBackoff);
        _instance.Update(s => s with
        {
            Phase = failures >= 2 ? InstancePhase.CrashLoopBackOff : InstancePhase.Starting,
            Ready = false,
            ReadySince = null,
            Pid = 0,
            LastExit = reason,
        });
        Persist();
        Log.Restarting(_context.Logger, _instance.Spec.InstanceId, delay, failures);
        await Task.Delay(delay, _context.Time, ct).ConfigureAwait(false);
    }

    /// <summary>SIGTERM to the group, the grace period, SIGKILL to the group; returns how the process ended, for its status.</summary>
    private async Task<string> TerminateAsync(IWorkload process, CancellationToken ct)
    {
        await process.SignalAsync(PosixSignals.SigTerm, CancellationToken.None).ConfigureAwait(false);
        var ended = "stopped: exited on SIGTERM";
        try
        {
            using var grace = new CancellationTokenSource(_instance.Spec.TerminationGracePeriod, _context.Time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(grace.Token, ct);
            await process.WaitForExitAsync(_context.Time, StopPollInterval, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Log.GraceExpired(_context.Logger, _instance.Spec.InstanceId, process.Pid);
            ended = ct.IsCancellationRequested
                ? "stopped: killed by SIGKILL, the stop was cancelled before the grace period ended"
                : $"stopped: killed by SIGKILL after the grace period ({_instance.Spec.TerminationGracePeriod.TotalSeconds:0.###}s)";
        }

        await process.SignalAsync(PosixSignals.SigKill, CancellationToken.None).ConfigureAwait(false);
        // SIGKILL cannot be ignored; waiting for it frees the port before a restart binds it.
        using var reap = new CancellationTokenSource(TimeSpan.FromSeconds(10), _context.Time);
        try
        {
            await process.WaitForExitAsync(_context.Time, StopPollInterval, reap.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Log.StillAlive(_context.Logger, _instance.Spec.InstanceId, process.Pid);
        }

        return ended;
    }

    private void OnStarted(IWorkload process)
    {
        lock (_gate)
        {
            if (_process != process)
            {
                return;
            }

            _started = true;
        }

        _instance.Update(s => IsCurrent(process) ? s with { Phase = s.Ready ? InstancePhase.Ready : InstancePhase.Running } : s);
        Persist();
    }

    private void OnReadinessChanged(IWorkload process, bool ready)
    {
        // Checked inside the status update, which the exit path also goes through after
        // clearing _process: a late probe of a process that has just died cannot mark it ready.
        // No lock of ours is held, so Changed handlers may call back into the supervisor.
        var applied = false;
        _instance.Update(s =>
        {
            if (!IsCurrent(process))
            {
                return s;
            }

            applied = true;
            return s with
            {
                Phase = ready ? InstancePhase.Ready : InstancePhase.Running,
                Ready = ready,
                ReadySince = ready ? _context.Time.GetUtcNow() : null,
            };
        });
        if (applied)
        {
            Log.ReadinessChanged(_context.Logger, _instance.Spec.InstanceId, ready);
            Persist();
        }
    }

    // Lock-free: it runs inside the instance's status lock, and the two locks never nest.
    private bool IsCurrent(IWorkload process) => Volatile.Read(ref _process) == process;

    private void Persist()
    {
        try
        {
            // Snapshot and write under one lock, so that of two concurrent writers (the loop and
            // a probe callback) the last to write also holds the latest state.
            lock (_context.Store)
            {
                var status = _instance.Status;
                InstanceRecord record;
                lock (_gate)
                {
                    record = new InstanceRecord(
                        _instance.Spec, _instance.Port, _process?.Pid ?? 0, _process?.StartTime ?? 0, _process?.StartedAt,
                        status.Restarts, _consecutiveFailures, _started, status.Ready, status.ReadySince, status.LastExit)
                    {
                        ContainerId = _process?.ContainerId,
                    };
                }

                if (!_deleted)
                {
                    _context.Store.Save(record);
                }
            }
        }
        catch (IOException e)
        {
            Log.PersistFailed(_context.Logger, _instance.Spec.InstanceId, e);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceId}: started pid {Pid} on port {Port}")]
        public static partial void Spawned(ILogger logger, string instanceId, int pid, int port);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceId}: not started, its secret env is not available: {Problem}")]
        public static partial void SecretsUnavailable(ILogger logger, string instanceId, string problem);

        [LoggerMessage(Level = LogLevel.Error, Message = "Instance {InstanceId}: reading its secrets failed ({Error}): a defect")]
        public static partial void SecretsFailed(ILogger logger, string instanceId, string error);

        [LoggerMessage(Level = LogLevel.Error, Message = "Instance {InstanceId}: cannot start the process")]
        public static partial void SpawnFailed(ILogger logger, string instanceId, Exception exception);

        [LoggerMessage(Level = LogLevel.Error, Message = "Instance {InstanceId}: cannot copy its artifact into {Path}")]
        public static partial void WorkingDirectoryFailed(ILogger logger, string instanceId, string path, Exception exception);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceId}: cannot remove its working directory {Path}")]
        public static partial void WorkingDirectoryNotRemoved(ILogger logger, string instanceId, string path, Exception exception);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceId}: pid {Pid} exited: {Description}")]
        public static partial void Exited(ILogger logger, string instanceId, int pid, string description);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceId}: pid {Pid} is unhealthy ({Reason}); restarting it")]
        public static partial void Unhealthy(ILogger logger, string instanceId, int pid, string reason);

        [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceId}: restarting in {Delay} (failure {Failures} in a row)")]
        public static partial void Restarting(ILogger logger, string instanceId, TimeSpan delay, int failures);

        [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceId}: ready = {Ready}")]
        public static partial void ReadinessChanged(ILogger logger, string instanceId, bool ready);

        [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceId}: stopping pid {Pid}")]
        public static partial void Stopping(ILogger logger, string instanceId, int pid);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceId}: pid {Pid} outlived its grace period; killing its process group")]
        public static partial void GraceExpired(ILogger logger, string instanceId, int pid);

        [LoggerMessage(Level = LogLevel.Error, Message = "Instance {InstanceId}: pid {Pid} is still alive after SIGKILL")]
        public static partial void StillAlive(ILogger logger, string instanceId, int pid);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceId}: port {Port} is taken by another process; moving to port {NewPort}")]
        public static partial void PortMoved(ILogger logger, string instanceId, int port, int newPort);

        [LoggerMessage(Level = LogLevel.Error, Message = "Instance {InstanceId}: port {Port} is taken by another process and no other port is free: {Reason}")]
        public static partial void NoFreePort(ILogger logger, string instanceId, int port, string reason);

        [LoggerMessage(Level = LogLevel.Error, Message = "Instance {InstanceId}: cannot persist its state")]
        public static partial void PersistFailed(ILogger logger, string instanceId, Exception exception);

        [LoggerMessage(Level = LogLevel.Critical, Message = "Instance {InstanceId}: supervision loop failed; the instance is no longer supervised")]
        public static partial void LoopFailed(ILogger logger, string instanceId, Exception exception);
    }
}
