using Microsoft.Extensions.Logging;
using Slipway.Local;
using Slipway.Router;
using Slipway.Server.Apply;
using Slipway.Server.Reconcile;
using Slipway.Server.Routing;

namespace Slipway.Server.Targets;

/// <summary>
/// The local target: instances are processes run by <see cref="LocalSupervisor"/>, and traffic is the table of
/// Slipway's router, written as a file (<see cref="RouteTable"/>) that the router loads on its own.
/// </summary>
internal sealed partial class LocalTarget(
    LocalSupervisor supervisor,
    RouteTable routeTable,
    TablePublisher publisher,
    RouterAdminClient router,
    ArtifactStore artifacts,
    TimeProvider time,
    ILogger<LocalTarget> logger) : ITarget
{
    private static readonly TimeSpan AdoptionHold = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    public event Action<AppKey>? Changed;

    public IReadOnlyList<TargetInstance> Instances => supervisor.Instances.Select(Describe).ToList();

    public IReadOnlyList<TargetInstance> InstancesOf(AppKey key) => supervisor.InstancesOf(key.App, key.Environment).Select(Describe).ToList();

    public IReadOnlyList<AppKey> Routed => routeTable.Keys();

    /// <summary>
    /// Adopts the instances recorded in the data directory. They have not been probed yet: until the ones the router
    /// serves are ready again, planning would see them as not ready and act on that (stop them, empty the table), so
    /// this waits, and the router keeps serving its last table meanwhile.
    /// </summary>
    public async Task AdoptAsync(CancellationToken ct)
    {
        var adopted = await supervisor.AdoptAllAsync(ct);
        supervisor.Changed += i => Changed?.Invoke(new AppKey(i.Spec.App, i.Spec.Environment));
        var served = routeTable.CurrentEndpoints();
        var until = time.GetUtcNow() + AdoptionHold;
        while (time.GetUtcNow() < until
            && !adopted.Where(i => served.Contains(i.Endpoint)).All(i => i.Status.Ready || i.Status.Phase is InstancePhase.CrashLoopBackOff or InstancePhase.Stopped))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), time, ct);
        }

        Log.Adopted(logger, adopted.Count);
    }

    public void Start(InstanceLaunch launch)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var template = launch.Template;
        var spec = new InstanceSpec(
            launch.App,
            launch.Environment,
            launch.Revision,
            launch.InstanceId,
            // The copy taken when the revision was applied, never the source directory, which may hold newer code.
            template.Artifact switch
            {
                { IsImage: true } => "",
                { Digest: { } digest } => artifacts.PathFor(digest),
                var directory => directory.Path!,
            },
            template.Command,
            template.Args,
            template.Env.Where(e => e.SecretKeyRef is null).ToDictionary(e => e.Name, e => e.Value),
            template.Probes,
            TimeSpan.FromSeconds(template.TerminationGracePeriodSeconds),
            launch.AppUid,
            launch.CreatedAt)
        {
            // References only (pinned by the revision): the supervisor asks for the values at each start.
            SecretEnv = template.Env.Where(e => e.SecretKeyRef is not null).ToDictionary(e => e.Name, e => e.SecretKeyRef!),
            // The digest the revision pinned, never the tag, which may point elsewhere by now.
            Image = template.Artifact.PinnedImage(),
        };
        try
        {
            supervisor.Start(spec);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException)
        {
            throw new TargetException($"instance {launch.InstanceId} cannot start: {e.Message}", e);
        }
    }

    public async Task<long> PublishAsync(AppKey key, AppTraffic? traffic, CancellationToken ct)
    {
        var routes = traffic is null ? [] : BuildRoutes(key, traffic);
        if (!routeTable.Set(key, routes) && routeTable.Version <= publisher.Served)
        {
            return routeTable.Version; // nothing new for the router to load
        }

        return await publisher.PublishAsync(ct);
    }

    private RouteConfig[] BuildRoutes(AppKey key, AppTraffic traffic)
    {
        var endpoints = supervisor.InstancesOf(key.App, key.Environment).ToDictionary(i => i.Spec.InstanceId, i => i.Endpoint, StringComparer.Ordinal);
        return RouteTable.BuildRoutes(traffic.App, traffic.Environment, traffic.Spec, traffic.Plan, revision =>
            traffic.Serving.GetValueOrDefault(revision, [])
                .Select(id => endpoints.GetValueOrDefault(id))
                .OfType<string>()
                .Order(StringComparer.Ordinal)
                .ToList());
    }

    public async Task DrainAndStopAsync(string instanceId, long version, CancellationToken ct)
    {
        var instance = supervisor.Find(instanceId);
        if (instance is null)
        {
            return;
        }

        var until = time.GetUtcNow() + DrainTimeout;
        var unreachable = 0;
        while (time.GetUtcNow() < until)
        {
            var state = await router.GetStateAsync(instance.Endpoint, ct);
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

        Log.Stopping(logger, instanceId);
        await supervisor.StopAsync(instance, ct);
    }

    private static TargetInstance Describe(Instance instance)
    {
        var spec = instance.Spec;
        var status = instance.Status;
        return new TargetInstance(
            spec.InstanceId,
            spec.App,
            spec.Environment,
            spec.AppUid,
            spec.Revision,
            spec.CreatedAt,
            status.Phase.ToString(),
            status.Ready,
            status.ReadySince,
            status.Restarts,
            instance.Endpoint,
            status.Pid,
            status.LastExit);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "{Count} running instances adopted")]
        public static partial void Adopted(ILogger logger, int count);

        [LoggerMessage(2, LogLevel.Information, "Stopping instance {Instance}")]
        public static partial void Stopping(ILogger logger, string instance);
    }
}
