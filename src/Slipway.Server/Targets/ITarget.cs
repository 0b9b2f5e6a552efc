using Slipway.Server.Reconcile;

namespace Slipway.Server.Targets;

/// <summary>
/// Where instances run and how traffic reaches them: the reconciler's only way to act. The local target runs
/// processes behind Slipway's router (<see cref="LocalTarget"/>); the Kubernetes target will implement the same
/// operations with pods and its traffic provider. Every operation is idempotent or safe to repeat, because the
/// reconciler may crash between any two of them.
/// </summary>
internal interface ITarget
{
    /// <summary>Something about an instance of this app×env changed (started, ready, not ready, restarted, stopped).</summary>
    event Action<AppKey>? Changed;

    /// <summary>Every instance this target runs, of every app×env, as it is now.</summary>
    IReadOnlyList<TargetInstance> Instances { get; }

    /// <summary>The instances of one app×env, as it is now, found without looking at the others.</summary>
    IReadOnlyList<TargetInstance> InstancesOf(AppKey key);

    /// <summary>
    /// Takes over what runs, once, before the first pass; returns once the instances that serve traffic are known to
    /// be ready again (or a bounded wait passed), so the first plan does not see them as not ready.
    /// </summary>
    Task AdoptAsync(CancellationToken ct);

    /// <summary>Starts one instance; it shows up in <see cref="Instances"/> at once, not ready.</summary>
    /// <exception cref="TargetException">It cannot be started (its artifact is gone, its command is invalid …).</exception>
    void Start(InstanceLaunch launch);

    /// <summary>
    /// Makes the data plane send one app×env's traffic as given (null: none at all) and waits, a bounded time, until
    /// it does. Returns the version of the published traffic, which drains wait for.
    /// </summary>
    Task<long> PublishAsync(AppKey key, AppTraffic? traffic, CancellationToken ct);

    /// <summary>The app×envs the data plane sends traffic to, to find the ones whose app is gone.</summary>
    IReadOnlyList<AppKey> Routed { get; }

    /// <summary>
    /// Waits until the data plane serves traffic version <paramref name="version"/> (which no longer sends anything to
    /// the instance) and has no request in flight to it, then stops it gracefully.
    /// </summary>
    Task DrainAndStopAsync(string instanceId, long version, CancellationToken ct);
}

/// <summary>An instance cannot be started; the message says why.</summary>
internal sealed class TargetException(string message, Exception? inner = null) : Exception(message, inner);
