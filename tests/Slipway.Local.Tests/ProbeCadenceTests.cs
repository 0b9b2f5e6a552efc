using Microsoft.Extensions.Logging.Abstractions;
using Slipway.Core.Spec;
using Slipway.Local.Probes;
using Slipway.Local.Tests.Support;

namespace Slipway.Local.Tests;

/// <summary>
/// When probes run, watched under a fake clock with a scripted probe runner (the real runner is covered with real
/// processes in <see cref="ProbeTests"/> and <see cref="ProbeConnectionTests"/>): a new instance is probed right
/// away and every second until it is ready, then at its period; a thousand instances started or adopted together
/// probe spread over their period, not in one burst.
/// </summary>
public sealed class ProbeCadenceTests : IAsyncLifetime
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(10);
    private static readonly ProbeSpec Readiness = new(new HttpGetAction("/ready", null));
    private static readonly ProbeSpec Liveness = new(new HttpGetAction("/live", null));

    private readonly SteppingTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));
    private readonly Random _random = new LockedRandom(20261125);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Attempt> _attempts = [];
    private readonly List<ReadinessChange> _readiness = [];
    private readonly List<Task<string>> _running = [];
    private readonly DateTimeOffset _start;
    private int _loops; // probe loops running: each holds one timer when parked

    public ProbeCadenceTests() => _start = _time.GetUtcNow();

    [Fact]
    public void The_implicit_readiness_probe_has_Kubernetes_default_period()
    {
        var schedule = ProbeSchedule.ImplicitReadiness(new SupervisorOptions().ImplicitReadinessPeriod);

        Assert.Equal((TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1), 3, 1, TimeSpan.Zero),
            (schedule.Period, schedule.Timeout, schedule.FailureThreshold, schedule.SuccessThreshold, schedule.InitialDelay));
    }

    [Fact]
    public void A_new_instance_is_probed_right_away_then_every_second_until_ready_then_at_its_period()
    {
        // No readiness probe in the spec: the implicit one, at its default period (10 s). The process can serve from 3.5 s on.
        Start(0, ProbeSet.None, (_, at) => at >= TimeSpan.FromSeconds(3.5));

        AdvanceTo(TimeSpan.FromSeconds(100));

        var times = _attempts.Select(a => a.At.TotalSeconds).ToList();
        Assert.Equal(0, times[0]);
        var becameReady = Assert.Single(_readiness).At;
        var startingUp = times.TakeWhile(t => t < becameReady.TotalSeconds).ToList();
        Assert.Equal(4, startingUp.Count); // 0, ~1, ~2, ~3 s: failed; ~4 s: ready
        Assert.InRange(becameReady.TotalSeconds, 3.5, 4.3);
        Assert.All(Intervals(times.Take(5)), i => Assert.InRange(i, 0.9, 1.1));

        // Then one random phase (within a period), and the period ± 5 %.
        var steady = times.SkipWhile(t => t <= becameReady.TotalSeconds).ToList();
        Assert.InRange(steady[0] - becameReady.TotalSeconds, 0, 10);
        Assert.All(Intervals(steady), i => Assert.InRange(i, 9.5, 10.5));
        Assert.InRange(steady.Count, 8, 11);
    }

    [Fact]
    public void A_thousand_instances_started_together_are_each_probed_right_away_then_out_of_step()
    {
        for (var i = 0; i < 1000; i++)
        {
            Start(i, new ProbeSet(null, Readiness, null), (_, _) => true);
        }

        AdvanceTo(TimeSpan.FromSeconds(60));

        // Every one is checked at once, and ready at once: no instance waits for its place in a schedule.
        Assert.Equal(1000, _attempts.Count(a => a.At == TimeSpan.Zero));
        Assert.Equal(1000, _readiness.Count(r => r is { Ready: true, At.Ticks: 0 }));

        // Then spread over the period: in lockstep, all 1,000 would fall in one tenth of a second.
        var window = _attempts.Where(a => a.At >= TimeSpan.FromSeconds(50) && a.At < TimeSpan.FromSeconds(60)).ToList();
        Assert.InRange(window.Count, 900, 1100);
        AssertSpread(window, from: TimeSpan.FromSeconds(50));

        // And gathered on a grid of tenths of a second: the process wakes at most ten times a second for them all.
        Assert.All(window, a => Assert.Equal(0, a.At.Ticks % ProbeCadence.Tick.Ticks));
        Assert.InRange(window.Select(a => a.At).Distinct().Count(), 90, 100);
    }

    [Fact]
    public void A_thousand_adopted_instances_begin_their_probes_spread_over_the_period()
    {
        // A restarted server adopts every instance at the same moment, ready ones in their steady state.
        for (var i = 0; i < 1000; i++)
        {
            Start(i, new ProbeSet(null, Readiness, Liveness), (_, _) => true, started: true, ready: true);
        }

        AdvanceTo(TimeSpan.FromSeconds(10));

        Assert.Empty(_readiness); // they stay ready throughout
        foreach (var kind in new[] { "/ready", "/live" })
        {
            var first = _attempts.Where(a => a.Kind == kind).GroupBy(a => a.Instance).Select(g => g.First()).ToList();
            Assert.Equal(1000, first.Count);
            AssertSpread(first, from: TimeSpan.Zero);
        }
    }

    [Fact]
    public void An_instance_that_never_becomes_ready_is_probed_every_second_only_during_the_startup_window()
    {
        Start(0, new ProbeSet(null, Readiness, null), (_, _) => false);

        AdvanceTo(TimeSpan.FromSeconds(190));

        Assert.InRange(_attempts.Count(a => a.At < ProbeCadence.StartupWindow), 58, 62);
        Assert.InRange(_attempts.Count(a => a.At >= TimeSpan.FromSeconds(90)), 9, 11); // 100 s at the 10 s period
        Assert.Empty(_readiness);
    }

    [Fact]
    public async Task A_startup_probe_keeps_its_period_so_failureThreshold_times_period_is_what_the_spec_allows()
    {
        var startup = new ProbeSpec(new HttpGetAction("/start", null), FailureThreshold: 3);
        var run = Start(0, new ProbeSet(startup, Readiness, null), (_, _) => false);

        AdvanceTo(TimeSpan.FromSeconds(60), parked: () => run.IsCompleted ? 0 : 1);

        Assert.True(run.IsCompletedSuccessfully);
        Assert.Equal("startup probe failed", await run);
        var times = _attempts.Select(a => a.At.TotalSeconds).ToList();
        Assert.Equal(3, times.Count); // 0, ~10, ~20 s, not 0, 1, 2 s
        Assert.All(Intervals(times), i => Assert.InRange(i, 9.5, 10.5));
    }

    [Fact]
    public void Steady_waits_average_the_period_and_stay_within_the_jitter()
    {
        var cadence = new ProbeCadence(Period, ProbeStart.RightAway, _start, _random);

        var waits = Enumerable.Range(0, 10_000).Select(_ => (cadence.Next(_start, settled: true) - _start).TotalSeconds).ToList();

        Assert.All(waits, w => Assert.InRange(w, 9.5, 10.5));
        Assert.InRange(waits.Average(), 9.99, 10.01);
        Assert.True(waits.Max() - waits.Min() > 0.9, "the waits vary across the whole jitter");
    }

    [Fact]
    public void A_period_shorter_than_a_second_is_kept_while_starting_up()
    {
        var cadence = new ProbeCadence(TimeSpan.FromMilliseconds(500), ProbeStart.StartingUp, _start, _random);

        Assert.Equal(_start, cadence.First(_start, TimeSpan.Zero));
        Assert.InRange((cadence.Next(_start, settled: false) - _start).TotalSeconds, 0.475, 0.525);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        // Every probe loop ends when cancelled (the ones still running with a cancellation, which is swallowed here).
        await Task.WhenAll(_running.Select(t => t.ContinueWith(static _ => { }, TaskScheduler.Default))).WaitAsync(TimeSpan.FromSeconds(30));
        _stop.Dispose();
    }

    /// <summary>
    /// Asserts that <paramref name="attempts"/>, within one period from <paramref name="from"/>, are spread evenly over
    /// it (a phase rounded up to the period's end counts as its start).
    /// </summary>
    private static void AssertSpread(IReadOnlyList<Attempt> attempts, TimeSpan from)
    {
        var perSecond = new int[10];
        var perTenth = new int[100];
        foreach (var attempt in attempts)
        {
            var offset = attempt.At - from;
            perSecond[(int)offset.TotalSeconds % 10]++;
            perTenth[(int)(offset.TotalMilliseconds / 100) % 100]++;
        }

        var expected = attempts.Count / 10.0;
        Assert.All(perSecond, n => Assert.InRange(n, expected * 0.6, expected * 1.4));
        Assert.True(perTenth.Max() <= attempts.Count / 25, $"at most 4 % of the probes in any tenth of a second, got {perTenth.Max()}");
    }

    private static IEnumerable<double> Intervals(IEnumerable<double> times) => times.Zip(times.Skip(1), (a, b) => b - a);

    private Task<string> Start(int instance, ProbeSet probes, Func<ProbeAction, TimeSpan, bool> succeeds, bool started = false, bool ready = false)
    {
        var runner = new ScriptedRunner(instance, this, succeeds);
        _loops += probes.Liveness is null ? 1 : 2;
        var run = new InstanceProbes(runner, _time, _random, probes, new SupervisorOptions().ImplicitReadinessPeriod, $"i-{instance}", NullLogger.Instance)
            .RunAsync(started, ready, () => { }, r => Record(_readiness, new ReadinessChange(instance, r, Now)), _stop.Token);
        _running.Add(run);
        return run;
    }

    private TimeSpan Now => _time.GetUtcNow() - _start;

    private void AdvanceTo(TimeSpan until, Func<int>? parked = null) => _time.AdvanceTo(_start + until, parked ?? (() => _loops));

    /// <summary>Probe loops resume on the thread pool, several at once.</summary>
    private static void Record<T>(List<T> list, T item)
    {
        lock (list)
        {
            list.Add(item);
        }
    }

    private sealed record Attempt(int Instance, string Kind, TimeSpan At);

    private sealed record ReadinessChange(int Instance, bool Ready, TimeSpan At);

    /// <summary>Seeded, and safe for the loops that draw from it on several threads at once.</summary>
    private sealed class LockedRandom(int seed) : Random(seed)
    {
        private readonly Lock _gate = new();

        public override double NextDouble()
        {
            lock (_gate)
            {
                return base.NextDouble();
            }
        }
    }

    private sealed class ScriptedRunner(int instance, ProbeCadenceTests test, Func<ProbeAction, TimeSpan, bool> succeeds) : IProbeRunner
    {
        public Task<ProbeResult> RunAsync(ProbeAction action, TimeSpan timeout, CancellationToken ct)
        {
            var at = test.Now;
            Record(test._attempts, new Attempt(instance, action is HttpGetAction get ? get.Path : "tcp", at));
            return Task.FromResult(succeeds(action, at) ? ProbeResult.Ok("ok") : ProbeResult.Fail("not yet"));
        }
    }
}
