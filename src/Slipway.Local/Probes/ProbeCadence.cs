namespace Slipway.Local.Probes;

/// <summary>
/// When the attempts of one probe run: the waits between them, decided from the probe's period, how it starts, and a
/// source of randomness. Pure (no clock, no I/O): the probe loop measures the waits with its TimeProvider.
/// </summary>
/// <remarks>
/// <para>
/// Three rules, each for a reason.
/// </para>
/// <para>
/// <b>Right away.</b> A new process is checked as soon as it runs (after <c>initialDelaySeconds</c>): a user expects an
/// instance to take traffic as soon as it can serve, not up to one period later.
/// </para>
/// <para>
/// <b>Quickly until first ready.</b> Until a readiness probe first succeeds, it runs every
/// <see cref="StartupInterval"/> (or at its period, when that is shorter), for at most <see cref="StartupWindow"/>.
/// With Kubernetes' 10 s period a new instance would otherwise become ready up to 10 s after it can serve, and every
/// rollout step and every test would wait for that. The window bounds what an instance that never becomes ready costs;
/// past it, it is probed at its period as Kubernetes would. Only readiness does this: startup and liveness probes
/// count failures, and probing them faster would shorten the <c>failureThreshold × periodSeconds</c> a spec allows.
/// </para>
/// <para>
/// <b>Then at the period, out of step with every other instance.</b> Instances started together (a thousand apps in
/// one apply) or adopted together (a restarted server) would otherwise probe in lockstep: a burst of a thousand
/// connections every period, and an idle machine the rest of the time. Entering its steady state, a probe waits a
/// random fraction of its period (a random phase; Kubernetes does this for probes a restarted kubelet begins), and each
/// later wait is the period ± <see cref="Jitter"/>, so phases that happen to meet drift apart again. The jitter is
/// symmetric: on average a probe still runs once per period, and a failure is still noticed after
/// <c>failureThreshold</c> periods.
/// </para>
/// <para>
/// Example, readiness with the default period (10 s) of an instance that can serve 2.3 s after it starts: attempts at
/// 0 s, ~1 s, ~2 s (failing), ~3 s (ready), then at ~3 s + U(0, 10 s), say 9.1 s, then 19.3 s, 29.0 s, 39.4 s …
/// </para>
/// </remarks>
internal sealed class ProbeCadence
{
    /// <summary>How often a readiness probe runs until its instance is first ready.</summary>
    public static readonly TimeSpan StartupInterval = TimeSpan.FromSeconds(1);

    /// <summary>How long a readiness probe may run at <see cref="StartupInterval"/> before falling back to its period.</summary>
    public static readonly TimeSpan StartupWindow = TimeSpan.FromSeconds(60);

    /// <summary>Each steady wait is the period times 1 ± this (uniformly).</summary>
    public const double Jitter = 0.05;

    private readonly TimeSpan _period;
    private readonly Random _random;
    private DateTimeOffset _startupEnds;
    private Stage _stage;

    /// <param name="period">The probe's period.</param>
    /// <param name="start">How the probe begins.</param>
    /// <param name="now">When it begins: the start-up window is counted from here.</param>
    /// <param name="random">Thread-safe when loops share it (<see cref="Random.Shared"/>); a seeded one in tests.</param>
    public ProbeCadence(TimeSpan period, ProbeStart start, DateTimeOffset now, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(period, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(random);
        _period = period;
        _random = random;
        _stage = start switch
        {
            ProbeStart.StartingUp => Stage.StartingUp,
            ProbeStart.Spread => Stage.Spread,
            _ => Stage.Steady,
        };
        _startupEnds = now + StartupWindow;
    }

    /// <summary>The wait before the first attempt: the initial delay, plus a random phase for a probe that starts steady.</summary>
    public TimeSpan First(TimeSpan initialDelay)
    {
        if (_stage != Stage.Spread)
        {
            return initialDelay;
        }

        _stage = Stage.Steady;
        return initialDelay + Phase();
    }

    /// <summary>
    /// The wait from the start of the attempt that began at <paramref name="began"/> to the start of the next one.
    /// </summary>
    /// <param name="settled">True once the probe has what the start-up phase waits for (its instance is ready).</param>
    public TimeSpan Next(DateTimeOffset began, bool settled)
    {
        if (_stage == Stage.StartingUp)
        {
            if (!settled && began < _startupEnds)
            {
                return Jittered(_period < StartupInterval ? _period : StartupInterval);
            }

            _stage = Stage.Steady;
            return Phase();
        }

        return Jittered(_period);
    }

    private TimeSpan Phase() => _period * _random.NextDouble();

    private TimeSpan Jittered(TimeSpan interval) => interval * (1 + Jitter * (2 * _random.NextDouble() - 1));

    private enum Stage
    {
        StartingUp,
        Spread,
        Steady,
    }
}
