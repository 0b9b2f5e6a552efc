using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Slipway.Core.Rollouts;
using Slipway.Server.Analysis;
using Slipway.Server.Metrics;
using Slipway.Server.Targets;
using Slipway.Store;

namespace Slipway.Server.Reconcile;

/// <summary>
/// The level-triggered control loop, driven by events: an executor of <see cref="RolloutPlanner"/>'s plans. An
/// app×env is reconciled when something about it changes — its spec or a command (the API adds it to the
/// <see cref="WorkQueue"/>), one of its instances (the target's <see cref="ITarget.Changed"/>), a moment its plan asked
/// for (a pause ending, a deadline, minReadySeconds passing), an instance it stopped — and every app×env once per
/// resync interval as a safety net. A pass reads that app×env's spec and persisted status, observes its instances,
/// plans, persists the new status (intent before acting), then acts through the <see cref="ITarget"/>: publishes its
/// traffic first, starts the instances the plan asks for, and drains then stops the ones it lets go. It decides
/// nothing itself. Passes of different app×envs run side by side on a few workers; one app×env is never in two
/// passes at once. Every action is idempotent, so a crash anywhere resumes correctly on the next pass, and one
/// app×env's failure is that app×env's error, never the others'.
/// </summary>
internal sealed partial class Reconciler(
    IStore store,
    ControlPlaneLock gate,
    WorkQueue queue,
    ITarget target,
    ServerOptions options,
    ControlPlaneMetrics metrics,
    AnalysisRunner analysis,
    Hooks.HookRunner hooks,
    TimeProvider time,
    ILogger<Reconciler> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, byte> _terminating = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<AppKey, AppView> _views = new();

    /// <summary>True once adopted instances have been re-probed and the loop acts.</summary>
    public bool Started { get; private set; }

    public AppView? View(string app, string env) => _views.GetValueOrDefault(new AppKey(app, env));

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        await target.AdoptAsync(ct);
        await analysis.ResumeAsync(ct);
        await hooks.ResumeAsync(ct);
        target.Changed += queue.Add;
        Started = true;

        var workers = Enumerable.Range(0, Math.Max(1, options.ReconcileWorkers)).Select(_ => WorkAsync(ct)).ToList();
        await ResyncLoopAsync(ct);
        await Task.WhenAll(workers);
    }

    /// <summary>Reconciles every app×env the store, the target or the data plane knows, one after the other (tests; a resync queues them instead).</summary>
    internal async Task ReconcileAllAsync(CancellationToken ct)
    {
        foreach (var key in await KnownKeysAsync(ct))
        {
            try
            {
                if (await ReconcileAsync(key, ct) is { } wakeAt)
                {
                    queue.AddAt(key, wakeAt);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.PassFailed(logger, key.App, key.Environment, e);
            }
        }
    }

    /// <summary>
    /// One pass over one app×env. Returns the earliest moment its plan asked to be looked at again. Instances carrying
    /// its name but not its identity (of a deleted app of the same name), or of an app×env no longer in the store,
    /// are stopped; the traffic of an app×env no longer in the store is withdrawn.
    /// </summary>
    internal async Task<DateTimeOffset?> ReconcileAsync(AppKey key, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var failed = true;
        try
        {
            var wakeAt = await PassAsync(key, ct);
            failed = false;
            return wakeAt;
        }
        finally
        {
            metrics.ObserveReconcile(key.App, key.Environment, time.GetElapsedTime(started), failed);
        }
    }

    private async Task<DateTimeOffset?> PassAsync(AppKey key, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var instances = target.InstancesOf(key);
        AppRecord? app;
        RolloutPlan? plan = null;
        AppView view;
        AppTraffic? traffic = null;
        List<TargetInstance> owned;
        List<TargetInstance> strays;

        using (await gate.AcquireAsync(key, ct))
        {
            app = await store.GetAppAsync(key.App, key.Environment, ct);
            owned = app is null ? [] : instances.Where(i => i.AppUid is null || i.AppUid == app.Uid).ToList();
            strays = instances.Except(owned).ToList();
            if (app is null)
            {
                view = null!;
            }
            else
            {
                try
                {
                    (plan, traffic, view) = await PlanAsync(app, owned, now, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // This app×env only: the others go on, and its traffic stays as it was last published.
                    Log.AppFailed(logger, key.App, key.Environment, e);
                    var last = _views.GetValueOrDefault(key) is { } previous && previous.AppUid == app.Uid ? previous : null;
                    _views[key] = new AppView(app.Uid, last?.Plan, last?.Observed ?? [], $"reconcile failed: {e.Message}");
                    throw;
                }
            }
        }

        var stops = (plan?.Stop ?? []).Concat(strays.Select(s => s.Id)).Where(id => _terminating.TryAdd(id, 0)).ToList();

        // Traffic first: the data plane stops sending to instances about to be stopped before any is stopped.
        var version = await target.PublishAsync(key, traffic, ct);

        // What status reports, the data plane serves: a rollout shown Healthy already has its traffic.
        if (app is null)
        {
            _views.TryRemove(key, out _);
            metrics.Forget(key.App, key.Environment);
            await analysis.ForgetAsync(key, ct);
            await hooks.ForgetAsync(key, ct);
        }
        else
        {
            _views[key] = view;
        }

        // After the status that asks for them is saved: a run is never started for a plan that was not persisted.
        if (app is not null && plan is not null)
        {
            await analysis.SyncAsync(key, app, plan.Status, plan.Analysis, ct);

            // After the traffic is published: an onAbort hook runs once the traffic is back on stable.
            await hooks.SyncAsync(key, app, plan.Status, plan.Hooks, ct);
        }

        if (app is not null && plan is not null)
        {
            foreach (var launch in await LaunchesAsync(app, plan, now, ct))
            {
                Log.Starting(logger, launch.InstanceId);
                try
                {
                    target.Start(launch);
                }
                catch (TargetException e)
                {
                    // The rollout waits for it and, past its progress deadline, aborts with the reason.
                    Log.StartFailed(logger, launch.InstanceId, e);
                }
            }
        }

        foreach (var id in stops)
        {
            _ = DrainAndStopAsync(key, id, version, ct);
        }

        return plan?.WakeAt;
    }

    private async Task<(RolloutPlan Plan, AppTraffic Traffic, AppView View)> PlanAsync(AppRecord app, List<TargetInstance> instances, DateTimeOffset now, CancellationToken ct)
    {
        var status = await store.GetStatusAsync(app.App, app.Environment, ct);
        var observed = instances.Select(i => i.Observe(_terminating.ContainsKey(i.Id))).ToList();
        var key = new AppKey(app.App, app.Environment);
        var plan = RolloutPlanner.Plan(new RolloutContext(app.Spec, status, observed, now) { Analysis = analysis.StatesOf(key), Hooks = hooks.StatesOf(key) });
        if (!plan.Status.IsEquivalentTo(status) || plan.Events.Count > 0)
        {
            await store.SaveStatusAsync(app.App, app.Environment, plan.Status, plan.Events.Select(e => new NewEvent(e.Revision, e.Reason, e.Message)).ToList(), ct);
            foreach (var e in plan.Events)
            {
                Log.RolloutEvent(logger, app.App, app.Environment, e.Reason, e.Message);
            }
        }

        var stopping = plan.Stop.ToHashSet(StringComparer.Ordinal);
        var serving = instances
            .Where(i => i.Ready && !stopping.Contains(i.Id) && !_terminating.ContainsKey(i.Id))
            .GroupBy(i => i.Revision)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(i => i.Id).ToList());
        return (plan, new AppTraffic(app.App, app.Environment, app.Spec, plan.Traffic, serving), new AppView(app.Uid, plan, observed, null));
    }

    private async Task<IReadOnlyList<InstanceLaunch>> LaunchesAsync(AppRecord app, RolloutPlan plan, DateTimeOffset now, CancellationToken ct)
    {
        if (plan.Start.Count == 0)
        {
            return [];
        }

        // Read from the store, never cached: a deleted and re-applied app's revision 1 is not the old revision 1.
        var revisions = (await store.ListRevisionsAsync(app.App, app.Environment, ct)).ToDictionary(r => r.Number);
        var launches = new List<InstanceLaunch>();
        foreach (var (revision, count) in plan.Start)
        {
            var record = revisions.GetValueOrDefault(revision)
                ?? throw new InvalidOperationException($"revision {revision} of {app.App}/{app.Environment} is not in the store");
            for (var n = 0; n < count; n++)
            {
                launches.Add(new InstanceLaunch(app.App, app.Environment, app.Uid, revision, InstanceLaunch.NewId(app.App, app.Environment, revision), now, record.Template));
            }
        }

        return launches;
    }

    private async Task WorkAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            AppKey key;
            try
            {
                (key, var waited) = await queue.TakeAsync(ct);
                metrics.ObserveQueueWait(waited);
                metrics.SetQueueDepth(queue.Depth);
            }
            catch (Exception e) when (e is OperationCanceledException or System.Threading.Channels.ChannelClosedException)
            {
                return;
            }

            try
            {
                var wakeAt = await ReconcileAsync(key, ct);
                queue.Forget(key);
                if (wakeAt is { } at)
                {
                    queue.AddAt(key, at);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Log.PassFailed(logger, key.App, key.Environment, e);
                queue.AddAfterFailure(key);
            }
            finally
            {
                queue.Done(key);
            }
        }
    }

    /// <summary>Queues every known app×env at start and once per resync interval.</summary>
    private async Task ResyncLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                foreach (var key in await KnownKeysAsync(ct))
                {
                    queue.Add(key);
                }

                metrics.CountResync();
                metrics.SetQueueDepth(queue.Depth);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.ResyncFailed(logger, e);
            }

            try
            {
                await Task.Delay(options.ResyncInterval, time, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Every app×env in the store, with instances, or with traffic: the ones a pass may have something to do for.</summary>
    private async Task<IReadOnlyList<AppKey>> KnownKeysAsync(CancellationToken ct)
    {
        var keys = (await store.ListAppsAsync(ct)).Select(a => new AppKey(a.App, a.Environment)).ToHashSet();
        keys.UnionWith(target.Instances.Select(i => new AppKey(i.App, i.Environment)));
        keys.UnionWith(target.Routed);
        keys.UnionWith(_views.Keys);
        return [.. keys.Order()];
    }

    private async Task DrainAndStopAsync(AppKey key, string instanceId, long version, CancellationToken ct)
    {
        try
        {
            await target.DrainAndStopAsync(instanceId, version, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The controller is stopping; the instance stays and is re-adopted (and drained) on restart.
        }
        catch (Exception e)
        {
            Log.StopFailed(logger, instanceId, e);
        }
        finally
        {
            _terminating.TryRemove(instanceId, out _);
            queue.Add(key);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(2, LogLevel.Error, "{App}/{Env}: reconcile pass failed; it is retried")]
        public static partial void PassFailed(ILogger logger, string app, string env, Exception e);

        [LoggerMessage(3, LogLevel.Information, "{App}/{Env}: {Reason}: {Message}")]
        public static partial void RolloutEvent(ILogger logger, string app, string env, string reason, string message);

        [LoggerMessage(4, LogLevel.Information, "Starting instance {Instance}")]
        public static partial void Starting(ILogger logger, string instance);

        [LoggerMessage(7, LogLevel.Error, "Starting instance {Instance} failed")]
        public static partial void StartFailed(ILogger logger, string instance, Exception e);

        [LoggerMessage(6, LogLevel.Error, "Stopping instance {Instance} failed")]
        public static partial void StopFailed(ILogger logger, string instance, Exception e);

        [LoggerMessage(9, LogLevel.Error, "{App}/{Env}: reconcile failed; the other apps go on")]
        public static partial void AppFailed(ILogger logger, string app, string env, Exception e);

        [LoggerMessage(10, LogLevel.Error, "Resync failed; it is tried again at the next interval")]
        public static partial void ResyncFailed(ILogger logger, Exception e);
    }
}

/// <summary>What the last pass planned and observed for one app×env, for the status API; <see cref="Error"/> when it failed.</summary>
/// <param name="AppUid">The app it was planned for: a view of a deleted app is never shown for a new one of the same name.</param>
internal sealed record AppView(string AppUid, RolloutPlan? Plan, IReadOnlyList<ObservedInstance> Observed, string? Error);
