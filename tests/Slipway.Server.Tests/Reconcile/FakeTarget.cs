using Slipway.Server.Reconcile;
using Slipway.Server.Targets;

namespace Slipway.Server.Tests.Reconcile;

/// <summary>
/// A fake target, for unit tests of the reconciler's logic (the real <see cref="LocalTarget"/> is covered end to
/// end): instances live in memory, appear not ready when started, and become ready when the test says so. Every
/// call is recorded in order, so a test can tell that traffic moved before an instance was stopped.
/// </summary>
internal sealed class FakeTarget : ITarget
{
    private readonly Lock _gate = new();
    private readonly List<TargetInstance> _instances = [];
    private readonly SortedDictionary<AppKey, AppTraffic> _traffic = [];
    private long _version;

    public event Action<AppKey>? Changed;

    public List<string> Calls { get; } = [];

    /// <summary>After each publication, the traffic of every app×env the fake routes to.</summary>
    public List<IReadOnlyList<AppTraffic>> Published { get; } = [];

    /// <summary>Apps whose instances cannot start (the target throws, as a missing artifact would make it).</summary>
    public HashSet<string> Unstartable { get; } = [];

    /// <summary>Runs when an instance is started, after the fake records it: a test writes its log from here, say.</summary>
    public Action<InstanceLaunch>? OnStart { get; set; }

    /// <summary>Runs when traffic is published, before the fake records it: a test looks at the store from here.</summary>
    public Func<Task>? OnPublish { get; set; }

    public IReadOnlyList<TargetInstance> Instances
    {
        get
        {
            lock (_gate)
            {
                return _instances.ToList();
            }
        }
    }

    public IReadOnlyList<AppTraffic> LastTraffic => Published[^1];

    public IReadOnlyList<AppKey> Routed
    {
        get
        {
            lock (_gate)
            {
                return [.. _traffic.Keys];
            }
        }
    }

    public IReadOnlyList<TargetInstance> InstancesOf(AppKey key) =>
        Instances.Where(i => i.App == key.App && i.Environment == key.Environment).ToList();

    public Task AdoptAsync(CancellationToken ct) => Task.CompletedTask;

    public void Start(InstanceLaunch launch)
    {
        if (Unstartable.Contains(launch.App))
        {
            throw new TargetException($"instance {launch.InstanceId} cannot start: its artifact is gone");
        }

        lock (_gate)
        {
            _instances.Add(new TargetInstance(launch.InstanceId, launch.App, launch.Environment, launch.AppUid, launch.Revision, launch.CreatedAt,
                "Starting", false, null, 0, $"fake:{launch.InstanceId}", 0, null));
            Calls.Add($"start {launch.InstanceId}");
        }

        OnStart?.Invoke(launch);
    }

    public async Task<long> PublishAsync(AppKey key, AppTraffic? traffic, CancellationToken ct)
    {
        if (OnPublish is { } hook)
        {
            await hook();
        }

        lock (_gate)
        {
            if (traffic is null)
            {
                _traffic.Remove(key);
            }
            else
            {
                _traffic[key] = traffic;
            }

            _version++;
            Published.Add([.. _traffic.Values]);
            Calls.Add($"publish {_version}");
            return _version;
        }
    }

    public Task DrainAndStopAsync(string instanceId, long version, CancellationToken ct)
    {
        lock (_gate)
        {
            Calls.Add($"stop {instanceId} after {version}");
            _instances.RemoveAll(i => i.Id == instanceId);
        }

        return Task.CompletedTask;
    }

    /// <summary>Instances matching <paramref name="which"/> pass readiness from <paramref name="at"/> on.</summary>
    public void MakeReady(Func<TargetInstance, bool> which, DateTimeOffset at)
    {
        var changed = new HashSet<AppKey>();
        lock (_gate)
        {
            for (var n = 0; n < _instances.Count; n++)
            {
                if (!_instances[n].Ready && which(_instances[n]))
                {
                    _instances[n] = _instances[n] with { Ready = true, ReadySince = at, Phase = "Ready" };
                    changed.Add(new AppKey(_instances[n].App, _instances[n].Environment));
                }
            }
        }

        foreach (var key in changed)
        {
            Changed?.Invoke(key);
        }
    }
}
