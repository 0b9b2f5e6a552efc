using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Slipway.Core.Rollouts;
using Slipway.Server.Targets;
using Slipway.Store;

namespace Slipway.Server.Reconcile;

/// <summary>
/// The level-triggered control loop: an executor of <see cref="RolloutPlanner"/>'s plans. Each pass, for every
/// app×env: read the spec and the persisted status, observe its instances, plan, persist the new status (intent before
/// acting); then act through the <see cref="ITarget"/>: publish traffic first, start the instances the plans ask for,
/// and drain then stop the ones they let go. It decides nothing itself. Every action is idempotent, so a crash
/// anywhere resumes correctly on the next pass, and one app×env's failure is that app×env's error, never the others'.
/// </summary>
internal sealed partial class Reconciler(
    IStore store,
    ControlPlaneLock gate,
    ReconcileSignal signal,
    ITarget target,
    TimeProvider time,
    ILogger<Reconciler> logger) : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(500);

    private readonly ConcurrentDictionary<string, byte> _terminating = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string App, string Env), AppView> _views = new();
    private readonly Dictionary<(string App, string Env), AppTraffic> _traffic = [];

    /// <summary>True once adopted instances have been re-probed and the loop acts.</summary>
    public bool Started { get; private set; }

    public AppView? View(string app, string env) => _views.GetValueOrDefault((app, env));

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        await target.AdoptAsync(ct);
        target.Changed += signal.Notify;
        Started = true;

        while (!ct.IsCancellationRequested)
        {
            var wakeAt = (DateTimeOffset?)null;
            try
            {
                wakeAt = await PassAsync(ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.PassFailed(logger, e);
            }

            var wait = wakeAt is { } at ? TimeSpan.FromTicks(Math.Clamp((at - time.GetUtcNow()).Ticks, 0, Tick.Ticks)) : Tick;
            await signal.WaitAsync(wait, time, ct);
        }
    }

    /// <summary>One pass over every app×env; returns the earliest moment a plan asked to be looked at again.</summary>
    internal async Task<DateTimeOffset?> PassAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var instances = target.Instances;
        var outcomes = new List<AppOutcome>();
        var strays = new List<TargetInstance>();

        using (await gate.AcquireAsync(ct))
        {
            var apps = await store.ListAppsAsync(ct);
            var byApp = instances.ToLookup(i => (i.App, i.Environment));
            foreach (var app in apps)
            {
                // Instances with this app×env's name but another identity belong to a deleted app of that name.
                var named = byApp[(app.App, app.Environment)].ToList();
                var owned = named.Where(i => i.AppUid is null || i.AppUid == app.Uid).ToList();
                strays.AddRange(named.Except(owned));
                outcomes.Add(await ReconcileAppAsync(app, owned, now, ct));
            }

            var known = apps.Select(a => (a.App, a.Environment)).ToHashSet();
            strays.AddRange(instances.Where(i => !known.Contains((i.App, i.Environment))));
            foreach (var key in _views.Keys.Where(k => !known.Contains(k)))
            {
                _views.TryRemove(key, out _);
                _traffic.Remove(key);
            }
        }

        var stops = outcomes.SelectMany(o => o.Stop).Concat(strays.Select(s => s.Id)).Where(id => _terminating.TryAdd(id, 0)).ToList();

        // Traffic first: the data plane stops sending to instances about to be stopped before any is stopped.
        var version = await target.PublishAsync(_traffic.Values.ToList(), ct);

        // What status reports, the data plane serves: a rollout shown Healthy already has its traffic.
        foreach (var outcome in outcomes)
        {
            _views[outcome.Key] = outcome.View;
        }

        foreach (var launch in outcomes.SelectMany(o => o.Launches))
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

        foreach (var id in stops)
        {
            _ = DrainAndStopAsync(id, version, ct);
        }

        return outcomes.Select(o => o.View.Plan?.WakeAt).Where(w => w is not null).Min();
    }

    private async Task<AppOutcome> ReconcileAppAsync(AppRecord app, List<TargetInstance> instances, DateTimeOffset now, CancellationToken ct)
    {
        var key = (app.App, app.Environment);
        try
        {
            var status = await store.GetStatusAsync(app.App, app.Environment, ct);
            var observed = instances.Select(i => i.Observe(_terminating.ContainsKey(i.Id))).ToList();
            var plan = RolloutPlanner.Plan(new RolloutContext(app.Spec, status, observed, now));
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
            _traffic[key] = new AppTraffic(app.App, app.Environment, app.Spec, plan.Traffic, serving);
            return new AppOutcome(key, new AppView(app.Uid, plan, observed, null), await LaunchesAsync(app, plan, now, ct), plan.Stop);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // This app×env only: the others go on, and its traffic stays as it was last published.
            Log.AppFailed(logger, app.App, app.Environment, e);
            var last = _views.GetValueOrDefault(key) is { } view && view.AppUid == app.Uid ? view : null;
            return new AppOutcome(key, new AppView(app.Uid, last?.Plan, last?.Observed ?? [], $"reconcile failed: {e.Message}"), [], []);
        }
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

    private async Task DrainAndStopAsync(string instanceId, long version, CancellationToken ct)
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
            signal.Notify();
        }
    }

    private sealed record AppOutcome((string App, string Env) Key, AppView View, IReadOnlyList<InstanceLaunch> Launches, IReadOnlyList<string> Stop);

    private static partial class Log
    {
        [LoggerMessage(2, LogLevel.Error, "Reconcile pass failed")]
        public static partial void PassFailed(ILogger logger, Exception e);

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
    }
}

/// <summary>What the last pass planned and observed for one app×env, for the status API; <see cref="Error"/> when it failed.</summary>
/// <param name="AppUid">The app it was planned for: a view of a deleted app is never shown for a new one of the same name.</param>
internal sealed record AppView(string AppUid, RolloutPlan? Plan, IReadOnlyList<ObservedInstance> Observed, string? Error);
