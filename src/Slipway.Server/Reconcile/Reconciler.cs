using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Slipway.Core.Rollouts;
using Slipway.Core.Spec;
using Slipway.Local;
using Slipway.Router;
using Slipway.Server.Apply;
using Slipway.Server.Routing;
using Slipway.Store;

namespace Slipway.Server.Reconcile;

/// <summary>
/// The level-triggered control loop of the local target. Each pass, for every app×env: read the
/// spec and the persisted status, observe the instances, plan (<see cref="RolloutPlanner"/>),
/// persist the new status (intent before acting), then act: write the router's table first
/// (traffic first), start missing instances, and drain then stop surplus ones.
/// Every action is idempotent, so a crash anywhere resumes correctly on the next pass.
/// </summary>
internal sealed partial class Reconciler(
    IStore store,
    ControlPlaneLock gate,
    ReconcileSignal signal,
    LocalSupervisor supervisor,
    RouteTable routeTable,
    RouterAdminClient router,
    ArtifactStore artifacts,
    TimeProvider time,
    ILogger<Reconciler> logger) : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan AdoptionHold = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RouterCatchUpTimeout = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, Instance> _terminating = new();
    private readonly ConcurrentDictionary<(string App, string Env), AppView> _views = new();
    private readonly ConcurrentDictionary<(string App, string Env, int Revision), RevisionRecord> _revisionCache = new();
    private long _routerVersion = -1;

    /// <summary>True once adopted instances have been re-probed and the loop acts.</summary>
    public bool Started { get; private set; }

    public AppView? View(string app, string env) => _views.GetValueOrDefault((app, env));

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var adopted = await supervisor.AdoptAllAsync(ct);
        supervisor.Changed += _ => signal.Notify();
        await HoldForAdoptedAsync(adopted, ct);
        Started = true;
        Log.Started(logger, adopted.Count);

        while (!ct.IsCancellationRequested)
        {
            try
            {
                await PassAsync(ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.PassFailed(logger, e);
            }

            await signal.WaitAsync(Tick, time, ct);
        }
    }

    /// <summary>
    /// After a restart the adopted instances have not been probed yet. Until the ones the router
    /// serves are ready again, planning would see them as not ready and act on that (stop them,
    /// empty the table), so the loop waits, and the router keeps serving its last table meanwhile.
    /// </summary>
    private async Task HoldForAdoptedAsync(IReadOnlyList<Instance> adopted, CancellationToken ct)
    {
        var served = routeTable.CurrentEndpoints();
        var until = time.GetUtcNow() + AdoptionHold;
        while (time.GetUtcNow() < until)
        {
            if (adopted.Where(i => served.Contains(i.Endpoint)).All(i => i.Status.Ready || i.Status.Phase is InstancePhase.CrashLoopBackOff or InstancePhase.Stopped))
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), time, ct);
        }
    }

    private async Task PassAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var routes = new List<RouteConfig>();
        var toStart = new List<InstanceSpec>();
        var toStop = new List<Instance>();
        var live = supervisor.Instances.Where(i => !_terminating.ContainsKey(i.Spec.InstanceId)).ToList();
        var views = new Dictionary<(string App, string Env), AppView>();

        using (await gate.AcquireAsync(ct))
        {
            var apps = await store.ListAppsAsync(ct);
            var known = apps.Select(a => (a.App, a.Environment)).ToHashSet();
            foreach (var app in apps)
            {
                var instances = live.Where(i => i.Spec.App == app.App && i.Spec.Environment == app.Environment).ToList();
                var status = await store.GetStatusAsync(app.App, app.Environment, ct);
                var observed = Observe(instances, _terminating.Values.Where(i => i.Spec.App == app.App && i.Spec.Environment == app.Environment));
                var decision = RolloutPlanner.Plan(new RolloutContext(app.Spec, status, observed, now));
                if (!decision.Status.IsEquivalentTo(status) || decision.Events.Count > 0)
                {
                    await store.SaveStatusAsync(app.App, app.Environment, decision.Status, decision.Events.Select(e => new NewEvent(e.Revision, e.Reason, e.Message)).ToList(), ct);
                    foreach (var e in decision.Events)
                    {
                        Log.RolloutEvent(logger, app.App, app.Environment, e.Reason, e.Message);
                    }
                }

                views[(app.App, app.Environment)] = new AppView(decision, observed);
                await PlanInstancesAsync(app, decision, instances, now, toStart, toStop, ct);
                var stopping = toStop.Select(i => i.Spec.InstanceId).ToHashSet();
                routes.AddRange(RouteTable.BuildRoutes(app.App, app.Environment, app.Spec, decision.Traffic, revision =>
                    instances.Where(i => i.Spec.Revision == revision && i.Status.Ready && !stopping.Contains(i.Spec.InstanceId))
                        .Select(i => i.Endpoint).Order(StringComparer.Ordinal).ToList()));
            }

            // Instances of apps that were deleted.
            toStop.AddRange(live.Where(i => !known.Contains((i.Spec.App, i.Spec.Environment))));
            foreach (var view in _views.Keys.Where(k => !known.Contains(k)))
            {
                _views.TryRemove(view, out _);
            }
        }

        foreach (var instance in toStop)
        {
            _terminating[instance.Spec.InstanceId] = instance;
        }

        // Traffic first: the router stops sending to surplus instances before any is stopped.
        var version = routeTable.Write(routes);

        // What status reports, the router serves: a rollout shown Healthy already has its traffic.
        await WaitForRouterAsync(version, ct);
        foreach (var (key, view) in views)
        {
            _views[key] = view;
        }

        foreach (var spec in toStart)
        {
            Log.Starting(logger, spec.InstanceId);
            try
            {
                supervisor.Start(spec);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException)
            {
                // The rollout waits for it and, past its progress deadline, aborts with the reason.
                Log.StartFailed(logger, spec.InstanceId, e);
            }
        }

        foreach (var instance in toStop)
        {
            _ = DrainAndStopAsync(instance, version, ct);
        }
    }

    /// <summary>
    /// Waits (briefly) until the router serves table <paramref name="version"/>. A router that is down or slow does not
    /// hold the loop: after the timeout the pass goes on, and the next change waits again.
    /// </summary>
    private async Task WaitForRouterAsync(long version, CancellationToken ct)
    {
        if (version <= _routerVersion)
        {
            return;
        }

        var until = time.GetUtcNow() + RouterCatchUpTimeout;
        do
        {
            if (await router.GetStateAsync(ct) is { } state && state.ConfigVersion >= version)
            {
                _routerVersion = state.ConfigVersion;
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), time, ct);
        }
        while (time.GetUtcNow() < until);

        Log.RouterBehind(logger, version);
        _routerVersion = version;
    }

    private static Dictionary<int, RevisionObservation> Observe(List<Instance> instances, IEnumerable<Instance> terminating)
    {
        var stopping = terminating.ToList();
        return instances.Concat(stopping).Select(i => i.Spec.Revision).Distinct().ToDictionary(
            revision => revision,
            revision => new RevisionObservation(
                instances.Count(i => i.Spec.Revision == revision),
                instances.Count(i => i.Spec.Revision == revision && i.Status.Ready),
                stopping.Count(i => i.Spec.Revision == revision)));
    }

    private async Task PlanInstancesAsync(AppRecord app, RolloutDecision decision, List<Instance> instances, DateTimeOffset now, List<InstanceSpec> toStart, List<Instance> toStop, CancellationToken ct)
    {
        var revisions = instances.Select(i => i.Spec.Revision).Concat(decision.Replicas.Keys).Distinct();
        foreach (var revision in revisions)
        {
            var desired = decision.Replicas.GetValueOrDefault(revision);
            var current = instances.Where(i => i.Spec.Revision == revision).ToList();

            // A restart replaces the stable revision's instances started before it, one at a time.
            var restartAt = decision.Status.RestartedAt;
            var stale = restartAt is { } at && revision == decision.Status.StableRevision
                ? current.Where(i => InstanceIds.StartedAt(i.Spec.InstanceId) < at).ToList()
                : [];
            if (stale.Count > 0)
            {
                // One replacement at a time: surge one, wait until it is ready, then drain a stale one.
                var replacementStarting = current.Any(i => !stale.Contains(i) && !i.Status.Ready);
                desired = replacementStarting ? Math.Max(desired, current.Count) : current.Count == desired ? desired + 1 : desired;
            }

            if (current.Count < desired)
            {
                var record = await GetRevisionAsync(app, revision, ct);
                for (var n = current.Count; n < desired; n++)
                {
                    toStart.Add(InstanceSpecFor(app, record, now));
                }
            }
            else if (current.Count > desired)
            {
                // Stale ones go first (restart), then not-ready ones, then the newest.
                var victims = current
                    .OrderBy(i => stale.Contains(i) ? 0 : 1)
                    .ThenBy(i => i.Status.Ready ? 1 : 0)
                    .ThenByDescending(i => InstanceIds.StartedAt(i.Spec.InstanceId))
                    .Take(current.Count - desired);
                toStop.AddRange(victims);
            }
        }
    }

    private async Task<RevisionRecord> GetRevisionAsync(AppRecord app, int revision, CancellationToken ct)
    {
        if (_revisionCache.TryGetValue((app.App, app.Environment, revision), out var cached))
        {
            return cached;
        }

        foreach (var record in await store.ListRevisionsAsync(app.App, app.Environment, ct))
        {
            _revisionCache[(record.App, record.Environment, record.Number)] = record;
        }

        return _revisionCache.TryGetValue((app.App, app.Environment, revision), out var found)
            ? found
            : throw new InvalidOperationException($"revision {revision} of {app.App}/{app.Environment} is not in the store");
    }

    private InstanceSpec InstanceSpecFor(AppRecord app, RevisionRecord revision, DateTimeOffset now)
    {
        var template = revision.Template;
        var env = template.Env.ToDictionary(e => e.Name, e => e.Value);
        return new InstanceSpec(
            app.App,
            app.Environment,
            revision.Number,
            InstanceIds.New(app.App, app.Environment, revision.Number, now),
            // The copy taken when the revision was applied, never the source directory, which may hold newer code.
            template.Artifact.Digest is { } digest ? artifacts.PathFor(digest) : template.Artifact.Path,
            template.Command,
            template.Args,
            env,
            template.Probes,
            TimeSpan.FromSeconds(template.TerminationGracePeriodSeconds));
    }

    /// <summary>Waits until the router serves a table without the instance and has no request in flight to it, then stops it.</summary>
    private async Task DrainAndStopAsync(Instance instance, long version, CancellationToken ct)
    {
        try
        {
            var until = time.GetUtcNow() + DrainTimeout;
            var unreachable = 0;
            while (time.GetUtcNow() < until)
            {
                var state = await router.GetStateAsync(ct);
                if (state is null)
                {
                    // No router: nothing can be in flight through it. Give it a moment in case it restarts.
                    if (++unreachable > 20)
                    {
                        break;
                    }
                }
                else if (state.ConfigVersion >= version && (state.Inflight is null || state.Inflight.GetValueOrDefault(instance.Endpoint) == 0))
                {
                    break;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(50), time, ct);
            }

            Log.Stopping(logger, instance.Spec.InstanceId);
            await supervisor.StopAsync(instance, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // the controller is stopping; the instance stays and is re-adopted (and drained) on restart
        }
        catch (Exception e)
        {
            Log.StopFailed(logger, instance.Spec.InstanceId, e);
        }
        finally
        {
            _terminating.TryRemove(instance.Spec.InstanceId, out _);
            signal.Notify();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Reconciler started; {Count} running instances adopted")]
        public static partial void Started(ILogger logger, int count);

        [LoggerMessage(2, LogLevel.Error, "Reconcile pass failed")]
        public static partial void PassFailed(ILogger logger, Exception e);

        [LoggerMessage(3, LogLevel.Information, "{App}/{Env}: {Reason}: {Message}")]
        public static partial void RolloutEvent(ILogger logger, string app, string env, string reason, string message);

        [LoggerMessage(4, LogLevel.Information, "Starting instance {Instance}")]
        public static partial void Starting(ILogger logger, string instance);

        [LoggerMessage(5, LogLevel.Information, "Stopping instance {Instance}")]
        public static partial void Stopping(ILogger logger, string instance);

        [LoggerMessage(7, LogLevel.Error, "Starting instance {Instance} failed")]
        public static partial void StartFailed(ILogger logger, string instance, Exception e);

        [LoggerMessage(6, LogLevel.Error, "Stopping instance {Instance} failed")]
        public static partial void StopFailed(ILogger logger, string instance, Exception e);

        [LoggerMessage(8, LogLevel.Warning, "The router has not loaded routing table version {Version} yet; status goes on without it")]
        public static partial void RouterBehind(ILogger logger, long version);
    }
}

/// <summary>What the last pass decided and observed for one app×env, for the status API.</summary>
internal sealed record AppView(RolloutDecision Decision, IReadOnlyDictionary<int, RevisionObservation> Observed);

/// <summary>Instance ids carry their creation time, so a restarted controller still knows which instances a restart must replace.</summary>
internal static class InstanceIds
{
    public static string New(string app, string env, int revision, DateTimeOffset now) =>
        $"{app}-{env}-r{revision}-{now.ToUnixTimeMilliseconds().ToString("x", CultureInfo.InvariantCulture)}{Random.Shared.Next(0x1000):x3}";

    public static DateTimeOffset StartedAt(string instanceId)
    {
        var last = instanceId[(instanceId.LastIndexOf('-') + 1)..];
        return last.Length > 3 && long.TryParse(last[..^3], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : DateTimeOffset.MinValue;
    }
}
