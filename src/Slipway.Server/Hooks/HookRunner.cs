using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Slipway.Core.Hooks;
using Slipway.Core.Rollouts;
using Slipway.Local.Processes;
using Slipway.Server.Apply;
using Slipway.Server.Reconcile;
using Slipway.Server.Secrets;
using Slipway.Server.Targets;
using Slipway.Store;

namespace Slipway.Server.Hooks;

/// <summary>
/// Runs the hooks rollouts ask for, like <see cref="Analysis.AnalysisRunner"/> runs their analyses. After each pass
/// the reconciler hands it the runs the plan wants (<see cref="SyncAsync"/>): a missing one is stored, then started;
/// the planner learns each run's phase through <see cref="StatesOf"/>, and the app×env is queued when a phase
/// changes, so that a failed preRollout hook reaches the planner — and the rollout is aborted — in one pass.
/// <para>
/// A run makes its attempts one after the other (its retries, or, for a confirm gate, one every
/// <see cref="HookRun.ConfirmInterval"/> until it says yes), each bounded by the hook's timeout. A run the plan no
/// longer wants finishes what it does — a migration is never cut short — except a confirm gate's, which stops asking.
/// </para>
/// <para>
/// <c>event</c> hooks are not asked for: at each sync the runner stores a run for each event the store saved for the
/// app×env since the last one it has (a cursor moved in the same transaction), and delivers them one after the other,
/// in order, each with its retries; a failure is recorded and the next event goes. They never hold up a rollout.
/// </para>
/// <para>
/// Runs are stored before they start and saved when an attempt starts and ends. A starting server resumes every
/// unfinished run (<see cref="ResumeAsync"/>): an attempt it was in the middle of is made again, after killing what a
/// job left running; a finished run is never made again.
/// </para>
/// </summary>
internal sealed partial class HookRunner : IAsyncDisposable
{
    private readonly IStore _store;
    private readonly WorkQueue _queue;
    private readonly ITarget _target;
    private readonly ArtifactStore _artifacts;
    private readonly TimeProvider _time;
    private readonly ILogger<HookRunner> _logger;
    private readonly HttpClient _http = HookHttp.CreateClient();
    private readonly JobHook _jobs;
    private readonly HttpHook _requests;
    private readonly ConcurrentDictionary<AppKey, AppHooks> _apps = new();
    private readonly CancellationTokenSource _stopping = new();

    public HookRunner(IStore store, WorkQueue queue, ITarget target, ArtifactStore artifacts, ISecretLookup secrets, TimeProvider time, ILogger<HookRunner> logger)
    {
        _store = store;
        _queue = queue;
        _target = target;
        _artifacts = artifacts;
        _time = time;
        _logger = logger;
        _jobs = new JobHook(secrets, time, logger);
        _requests = new HttpHook(_http, secrets, time);
    }

    /// <summary>What the planner sees of this app×env's hook runs: those the last passes asked for, as they are now.</summary>
    public IReadOnlyList<HookRunState> StatesOf(AppKey key)
    {
        if (!_apps.TryGetValue(key, out var hooks))
        {
            return [];
        }

        lock (hooks)
        {
            return [.. hooks.Runs.Values.Select(r => r.Record.Run.State)];
        }
    }

    /// <summary>
    /// Makes the runs of <paramref name="key"/> the ones its plan wants: stores and starts those missing (the store
    /// returns a run already stored under the same key, so a pass repeated after a crash finds it where it was), stops
    /// the confirm gates no longer wanted, and delivers the events saved since the last sync to the event hooks.
    /// Called after the pass has saved its status and published its traffic.
    /// </summary>
    public async Task SyncAsync(AppKey key, AppRecord app, RolloutStatus status, IReadOnlyList<HookRunRequest> wanted, CancellationToken ct)
    {
        var hasEventHooks = app.Spec.Hooks.Any(h => h.Type == HookType.Event);
        if (wanted.Count == 0 && !hasEventHooks && !_apps.ContainsKey(key))
        {
            return; // the common case: an app without hooks costs nothing
        }

        var hooks = _apps.GetOrAdd(key, _ => new AppHooks(_stopping.Token));
        await hooks.Gate.WaitAsync(ct);
        try
        {
            var keys = wanted.Select(w => w.Key).ToHashSet();
            foreach (var active in hooks.Snapshot().Where(r => !keys.Contains(r.Record.Run.Key)))
            {
                if (active.Record.Run.IsFinished)
                {
                    hooks.Remove(active);
                    active.Stop.Dispose();
                }
                else if (HookNames.IsConfirmation(active.Record.Run.Key.Type))
                {
                    await CancelAsync(key, hooks, active, "stopped asking: the rollout no longer waits for this confirmation (a human promoted, or the rollout ended)", ct);
                }
            }

            foreach (var request in wanted.Where(w => !hooks.Contains(w.Key)))
            {
                var record = await _store.CreateHookRunAsync(app.App, app.Environment, NewRun(request.Key, request.Hook, status), ct);
                var active = new ActiveRun(record, CancellationTokenSource.CreateLinkedTokenSource(hooks.Stop.Token));
                hooks.Add(active);
                if (!record.Run.IsFinished)
                {
                    Log.RunStarted(_logger, app.App, app.Environment, record.Run.Key.ToString(), record.Id);
                    active.Loop = Task.Run(() => RunLoopAsync(key, active, notify: true));
                }

                if (record.Run.Phase != HookPhase.Pending)
                {
                    _queue.Add(key); // stored before (a restart): the planner learns where it got
                }
            }

            if (hasEventHooks)
            {
                await SyncEventsAsync(key, app, status, hooks, ct);
            }
        }
        finally
        {
            hooks.Gate.Release();
        }

        if (hooks.IsIdle && !hasEventHooks)
        {
            _apps.TryRemove(new KeyValuePair<AppKey, AppHooks>(key, hooks));
        }
    }

    /// <summary>Stops every run of an app×env that was deleted (the store forgot them with it).</summary>
    public async Task ForgetAsync(AppKey key, CancellationToken ct)
    {
        if (!_apps.TryRemove(key, out var hooks))
        {
            return;
        }

        await hooks.Stop.CancelAsync();
        await Task.WhenAll(hooks.Loops());
        Log.Forgotten(_logger, key.App, key.Environment);
    }

    /// <summary>Takes back every unfinished run after a restart, before the first pass, so that plans see their state.</summary>
    public async Task ResumeAsync(CancellationToken ct)
    {
        foreach (var record in await _store.ListUnfinishedHookRunsAsync(ct))
        {
            var key = new AppKey(record.App, record.Environment);
            var hooks = _apps.GetOrAdd(key, _ => new AppHooks(_stopping.Token));
            Log.RunResumed(_logger, record.App, record.Environment, record.Run.Key.ToString(), record.Id);
            var active = new ActiveRun(record, CancellationTokenSource.CreateLinkedTokenSource(hooks.Stop.Token));
            if (record.Run.Key.Type == HookType.Event)
            {
                Deliver(key, hooks, hooks.EventsOf(record.Run.Key.Hook), [active]);
            }
            else
            {
                hooks.Add(active);
                active.Loop = Task.Run(() => RunLoopAsync(key, active, notify: true));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_apps.Values.SelectMany(h => h.Loops()));
        _stopping.Dispose();
        _http.Dispose();
    }

    private HookRun NewRun(HookRunKey key, HookSpec hook, RolloutStatus status) =>
        new(key, hook, new HookMoment(status.Phase.ToString(), status.CurrentStepIndex, status.StableRevision), _time.GetUtcNow());

    /// <summary>The run that delivers event <paramref name="e"/> to <paramref name="hook"/>, with the rollout as it is now.</summary>
    private HookRun NewEventRun(HookSpec hook, EventRecord e, RolloutStatus status)
    {
        var key = new HookRunKey(HookType.Event, hook.Name, e.Revision ?? status.UpdatedRevision ?? 0, status.StartedAt ?? DateTimeOffset.MinValue, e.Id);
        var run = NewRun(key, hook, status);
        return run with { Moment = run.Moment with { Event = new HookEvent(e.Id, e.Time, e.Revision, e.Reason, e.Message) } };
    }

    /// <summary>
    /// Stores a run of each event hook for every event saved since its cursor (which starts, for a hook new to the app,
    /// at the apply that added it), and delivers them in order.
    /// </summary>
    private async Task SyncEventsAsync(AppKey key, AppRecord app, RolloutStatus status, AppHooks hooks, CancellationToken ct)
    {
        foreach (var hook in app.Spec.Hooks.Where(h => h.Type == HookType.Event))
        {
            var delivery = hooks.EventsOf(hook.Name);
            delivery.Cursor ??= await _store.GetHookCursorAsync(app.App, app.Environment, hook.Name, ct) ?? await StartCursorAsync(app, hook.Name, ct);
            var events = await _store.ListEventsAfterAsync(app.App, app.Environment, delivery.Cursor.Value, EventBatch, ct);
            if (events.Count == 0)
            {
                continue;
            }

            var runs = events.Select(e => NewEventRun(hook, e, status)).ToList();
            var stored = await _store.CreateEventHookRunsAsync(app.App, app.Environment, hook.Name, runs, events[^1].Id, ct);
            delivery.Cursor = events[^1].Id;
            Deliver(key, hooks, delivery, [.. stored.Where(r => !r.Run.IsFinished).Select(r => new ActiveRun(r, CancellationTokenSource.CreateLinkedTokenSource(hooks.Stop.Token)))]);
            if (events.Count == EventBatch)
            {
                _queue.Add(key); // more to come: the next pass takes them
            }
        }
    }

    /// <summary>How many events one sync stores runs for, per event hook.</summary>
    private const int EventBatch = 100;

    /// <summary>A hook new to the app receives the events from the apply that added it on, not the app's history.</summary>
    private async Task<long> StartCursorAsync(AppRecord app, string hook, CancellationToken ct)
    {
        var before = (await _store.ListEventsAsync(app.App, app.Environment, 1000, ct)).LastOrDefault(e => e.Time < app.UpdatedAt)?.Id ?? 0;
        await _store.CreateEventHookRunsAsync(app.App, app.Environment, hook, [], before, ct);
        return before;
    }

    /// <summary>Queues runs of one event hook and makes sure its delivery loop runs.</summary>
    private void Deliver(AppKey key, AppHooks hooks, EventDelivery delivery, IReadOnlyList<ActiveRun> runs)
    {
        lock (delivery)
        {
            foreach (var run in runs)
            {
                delivery.Queue.TryAdd(run.Record.Run.Key.EventId, run);
            }

            if (delivery.Queue.Count == 0 || delivery.Running)
            {
                return;
            }

            delivery.Running = true;
            delivery.Loop = Task.Run(() => DeliverLoopAsync(key, hooks, delivery));
        }
    }

    /// <summary>The event hook's runs, oldest event first, one after the other, until none is left.</summary>
    private async Task DeliverLoopAsync(AppKey key, AppHooks hooks, EventDelivery delivery)
    {
        while (!hooks.Stop.IsCancellationRequested)
        {
            ActiveRun next;
            lock (delivery)
            {
                if (delivery.Queue.Count == 0)
                {
                    delivery.Running = false;
                    return;
                }

                next = delivery.Queue.First().Value;
            }

            await RunLoopAsync(key, next, notify: false);
            lock (delivery)
            {
                delivery.Queue.Remove(next.Record.Run.Key.EventId);
            }

            next.Stop.Dispose();
        }

        lock (delivery)
        {
            delivery.Running = false;
        }
    }

    /// <summary>
    /// A run's attempts, one after the other, until one succeeds or none is left (a confirm gate never runs out); each
    /// is saved when it starts and when it ends. With <paramref name="notify"/>, the app×env is queued when what the
    /// planner reads of the run changes.
    /// </summary>
    private async Task RunLoopAsync(AppKey key, ActiveRun active, bool notify)
    {
        var ct = active.Stop.Token;
        try
        {
            while (true)
            {
                var run = active.Record.Run;
                var redo = run.AttemptStartedAt is not null;
                if (redo)
                {
                    KillLeftovers(key, run);
                }
                else if (run.Attempts > 0)
                {
                    await Task.Delay(HookNames.IsConfirmation(run.Key.Type) ? HookRun.ConfirmInterval : HookRun.RetryDelay, _time, ct);
                }

                var attempt = redo ? Math.Max(1, run.Attempts) : run.Attempts + 1;
                var now = _time.GetUtcNow();
                await SaveAsync(key, active, run with
                {
                    Phase = HookPhase.Running,
                    Attempts = attempt,
                    StartedAt = run.StartedAt ?? now,
                    AttemptStartedAt = now,
                    Pid = null,
                    ProcessStartTime = null,
                }, notify, ct);

                var outcome = await AttemptAsync(key, active, attempt, ct);
                run = active.Record.Run;
                var ended = run with
                {
                    ExitCode = outcome.ExitCode,
                    HttpStatus = outcome.HttpStatus,
                    Output = outcome.Output,
                    Message = outcome.Message,
                    AttemptStartedAt = null,
                    Pid = null,
                    ProcessStartTime = null,
                };
                var finished = outcome.Succeeded || (run.MaxAttempts is int max && attempt >= max);
                if (finished)
                {
                    ended = ended with { Phase = outcome.Succeeded ? HookPhase.Succeeded : HookPhase.Failed, FinishedAt = _time.GetUtcNow() };
                }

                await SaveAsync(key, active, ended, notify, ct);
                if (finished)
                {
                    Log.RunFinished(_logger, key.App, key.Environment, ended.Key.ToString(), ended.Phase.ToString(), attempt, ended.Message ?? "");
                    return;
                }

                Log.AttemptFailed(_logger, key.App, key.Environment, ended.Key.ToString(), attempt, ended.Message ?? "");
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopped: the run stays as saved, and a starting server resumes it (a cancelled gate is saved by its canceller).
        }
        catch (Exception e)
        {
            // The run stays unfinished in the store; the next server start resumes it.
            Log.LoopFailed(_logger, key.App, key.Environment, active.Record.Id, e);
        }
    }

    /// <summary>One attempt: the job run or the request sent, with the moment as JSON.</summary>
    private async Task<HookOutcome> AttemptAsync(AppKey key, ActiveRun active, int attempt, CancellationToken ct)
    {
        var run = active.Record.Run;
        var payload = HookPayload.Of(key.App, key.Environment, run, attempt).ToJson();
        if (run.Hook.Action is HttpHookAction http)
        {
            return await _requests.SendAsync(http, run.Hook.Timeout, payload, ct);
        }

        var job = (JobHookAction)run.Hook.Action;
        var revision = (await _store.ListRevisionsAsync(key.App, key.Environment, ct)).FirstOrDefault(r => r.Number == run.Key.Revision);
        if (revision is null)
        {
            return HookOutcome.Failed($"revision {run.Key.Revision} is no longer kept: the job has no artifact or env to run with");
        }

        var artifact = revision.Template.Artifact;
        using var use = artifact.Digest is { } digest ? _artifacts.Use(digest) : null;
        var stable = run.Moment.StableRevision is int s ? _target.InstancesOf(key).FirstOrDefault(i => i.Revision == s && i.Ready) : null;
        var request = new JobHookRequest(
            key.App,
            key.Environment,
            run.Key.Hook,
            run.Key.Type,
            run.Key.Revision,
            run.Moment.StableRevision,
            job,
            run.Hook.Timeout,
            artifact.Digest is { } d ? _artifacts.PathFor(d) : artifact.Path ?? throw new InvalidOperationException("a job hook of an image revision (the spec parser refuses them)"),
            revision.Template,
            stable is null ? null : $"http://{stable.Endpoint}",
            run.Key.Type == HookType.Event ? payload : null);
        return await _jobs.RunAsync(request, (pid, startTime) => SaveAsync(key, active, active.Record.Run with { Pid = pid, ProcessStartTime = startTime }, notify: false, ct), ct);
    }

    /// <summary>Saves the run's new state; queues the app×env when what the planner reads of it changed.</summary>
    private async Task SaveAsync(AppKey key, ActiveRun active, HookRun next, bool notify, CancellationToken ct)
    {
        var before = active.Record.Run;
        var record = active.Record with { Run = next };
        await _store.SaveHookRunAsync(record, ct);
        active.Record = record;
        // The planner tells only finished runs from the others, and shows a preRollout hook's retries.
        var changed = before.IsFinished != next.IsFinished || (next.Key.Type == HookType.PreRollout && next.Attempts > 1 && before.Attempts != next.Attempts);
        if (notify && changed)
        {
            _queue.Add(key);
        }
    }

    /// <summary>A confirm gate no longer waited for: it stops asking, and says why.</summary>
    private async Task CancelAsync(AppKey key, AppHooks hooks, ActiveRun active, string why, CancellationToken ct)
    {
        await active.Stop.CancelAsync();
        await active.Loop;
        hooks.Remove(active);
        active.Stop.Dispose();
        var run = active.Record.Run;
        var cancelled = active.Record with
        {
            Run = run with { Phase = HookPhase.Cancelled, FinishedAt = _time.GetUtcNow(), AttemptStartedAt = null, Pid = null, ProcessStartTime = null, Message = why },
        };
        await _store.SaveHookRunAsync(cancelled, ct);
        Log.RunCancelled(_logger, key.App, key.Environment, run.Key.ToString(), why);
    }

    /// <summary>
    /// A job attempt a stopped server was in the middle of may still run (a killed server does not take its jobs with
    /// it): its process group is killed before the attempt is made again, if the process is still the one it started.
    /// </summary>
    private void KillLeftovers(AppKey key, HookRun run)
    {
        if (run.Pid is int pid && run.ProcessStartTime is ulong startTime
            && ProcStat.Read(pid) is { IsAlive: true } stat && stat.StartTime == startTime
            && PosixSignals.SignalGroup(pid, PosixSignals.SigKill))
        {
            Log.LeftoversKilled(_logger, key.App, key.Environment, run.Key.ToString(), pid);
        }
    }

    /// <summary>The hook runs of one app×env; <see cref="Gate"/> serialises its syncs.</summary>
    private sealed class AppHooks(CancellationToken stopping)
    {
        private readonly Dictionary<string, EventDelivery> _events = new(StringComparer.Ordinal);

        public SemaphoreSlim Gate { get; } = new(1, 1);

        /// <summary>Cancelled when the server stops or the app is deleted.</summary>
        public CancellationTokenSource Stop { get; } = CancellationTokenSource.CreateLinkedTokenSource(stopping);

        /// <summary>The runs of rollout moments (not events), by key.</summary>
        public Dictionary<HookRunKey, ActiveRun> Runs { get; } = [];

        /// <summary>Nothing runs and nothing is waited for.</summary>
        public bool IsIdle
        {
            get
            {
                lock (this)
                {
                    return Runs.Values.All(r => r.Record.Run.IsFinished) && _events.Values.All(e => !e.Running);
                }
            }
        }

        public bool Contains(HookRunKey key)
        {
            lock (this)
            {
                return Runs.ContainsKey(key);
            }
        }

        public void Add(ActiveRun run)
        {
            lock (this)
            {
                Runs[run.Record.Run.Key] = run;
            }
        }

        public void Remove(ActiveRun run)
        {
            lock (this)
            {
                Runs.Remove(run.Record.Run.Key);
            }
        }

        public List<ActiveRun> Snapshot()
        {
            lock (this)
            {
                return [.. Runs.Values];
            }
        }

        public EventDelivery EventsOf(string hook)
        {
            lock (this)
            {
                if (!_events.TryGetValue(hook, out var delivery))
                {
                    _events[hook] = delivery = new EventDelivery();
                }

                return delivery;
            }
        }

        public IEnumerable<Task> Loops()
        {
            lock (this)
            {
                return [.. Runs.Values.Select(r => r.Loop), .. _events.Values.Select(e => e.Loop)];
            }
        }
    }

    /// <summary>An event hook's delivery: how far its runs go, those still to make, oldest event first, and its loop.</summary>
    private sealed class EventDelivery
    {
        public long? Cursor { get; set; }

        public SortedDictionary<long, ActiveRun> Queue { get; } = [];

        /// <summary>Its loop runs (set and cleared under the delivery's lock, so that a run queued as it ends is not left behind).</summary>
        public bool Running { get; set; }

        public Task Loop { get; set; } = Task.CompletedTask;
    }

    /// <summary>A run with its loop; <see cref="Record"/> is replaced (never mutated) at each save.</summary>
    private sealed class ActiveRun(HookRunRecord record, CancellationTokenSource stop)
    {
        public HookRunRecord Record { get; set; } = record;

        public CancellationTokenSource Stop => stop;

        public Task Loop { get; set; } = Task.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "{App}/{Env}: {Run} started (run {Id})")]
        public static partial void RunStarted(ILogger logger, string app, string env, string run, long id);

        [LoggerMessage(2, LogLevel.Information, "{App}/{Env}: {Run} resumed (run {Id})")]
        public static partial void RunResumed(ILogger logger, string app, string env, string run, long id);

        [LoggerMessage(3, LogLevel.Information, "{App}/{Env}: {Run} {Phase} after {Attempts} attempts: {Message}")]
        public static partial void RunFinished(ILogger logger, string app, string env, string run, string phase, int attempts, string message);

        [LoggerMessage(4, LogLevel.Information, "{App}/{Env}: {Run}: attempt {Attempt} failed: {Message}")]
        public static partial void AttemptFailed(ILogger logger, string app, string env, string run, int attempt, string message);

        [LoggerMessage(5, LogLevel.Information, "{App}/{Env}: {Run} cancelled: {Why}")]
        public static partial void RunCancelled(ILogger logger, string app, string env, string run, string why);

        [LoggerMessage(6, LogLevel.Warning, "{App}/{Env}: {Run}: the job of an attempt a stopped server was making still ran (pid {Pid}); its process group was killed before the attempt is made again")]
        public static partial void LeftoversKilled(ILogger logger, string app, string env, string run, int pid);

        [LoggerMessage(7, LogLevel.Error, "{App}/{Env}: hook run {Id} stopped; it resumes when the server starts again")]
        public static partial void LoopFailed(ILogger logger, string app, string env, long id, Exception e);

        [LoggerMessage(8, LogLevel.Information, "{App}/{Env}: the app was deleted; its hook runs were stopped")]
        public static partial void Forgotten(ILogger logger, string app, string env);
    }
}
