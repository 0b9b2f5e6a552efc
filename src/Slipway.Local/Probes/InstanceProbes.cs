using Microsoft.Extensions.Logging;
using Slipway.Core.Spec;

namespace Slipway.Local.Probes;

/// <summary>
/// The probes of one process incarnation, with Kubernetes semantics: the startup probe runs
/// first and gates the others; readiness turns on after SuccessThreshold consecutive successes
/// and off after FailureThreshold consecutive failures; FailureThreshold consecutive startup or
/// liveness failures ask for a restart. Each probe keeps its own period, timed by the TimeProvider
/// and spread by <see cref="ProbeCadence"/>: right away for a new process, every second until it is
/// first ready, then at the period from a random phase, on a 100 ms grid.
/// </summary>
internal sealed partial class InstanceProbes(
    IProbeRunner runner,
    TimeProvider time,
    Random random,
    ProbeSet probes,
    TimeSpan implicitReadinessPeriod,
    string instanceId,
    ILogger logger)
{
    /// <summary>
    /// Completes with the reason when the process must be restarted (startup or liveness probe
    /// failed); otherwise runs until <paramref name="ct"/> is cancelled.
    /// </summary>
    /// <param name="started">True for an adopted process that had passed its startup probe before.</param>
    /// <param name="ready">The readiness to start from (an adopted process keeps its own).</param>
    public async Task<string> RunAsync(bool started, bool ready, Action onStarted, Action<bool> onReadinessChanged, CancellationToken ct)
    {
        if (!started && probes.Startup is { } startupSpec)
        {
            var startup = ProbeSchedule.From(startupSpec);
            var passed = false;
            await ProbeLoopAsync(startup, "startup", ProbeStart.RightAway, (result, successes, failures) =>
            {
                passed = result.Success;
                return result.Success || failures >= startup.FailureThreshold;
            }, settled: null, ct).ConfigureAwait(false);
            if (!passed)
            {
                return "startup probe failed";
            }
        }

        onStarted();
        using var stopOthers = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var readinessTask = ReadinessAsync(ready, onReadinessChanged, stopOthers.Token);
        try
        {
            if (probes.Liveness is not { } livenessSpec)
            {
                await readinessTask.ConfigureAwait(false);
                ct.ThrowIfCancellationRequested();
                throw new InvalidOperationException("readiness probing ended on its own");
            }

            var liveness = ProbeSchedule.From(livenessSpec);
            await ProbeLoopAsync(liveness, "liveness", ProbeStart.Spread, (_, _, failures) => failures >= liveness.FailureThreshold, settled: null, ct).ConfigureAwait(false);
            return "liveness probe failed";
        }
        finally
        {
            await stopOthers.CancelAsync().ConfigureAwait(false);
            await readinessTask.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
        }
    }

    private async Task ReadinessAsync(bool ready, Action<bool> onReadinessChanged, CancellationToken ct)
    {
        var readiness = probes.Readiness is { } spec ? ProbeSchedule.From(spec) : ProbeSchedule.ImplicitReadiness(implicitReadinessPeriod);
        // An instance already ready (adopted) is in its steady state; any other is starting up until it first is.
        var everReady = ready;
        await ProbeLoopAsync(readiness, "readiness", ready ? ProbeStart.Spread : ProbeStart.StartingUp, (_, successes, failures) =>
        {
            if (!ready && successes >= readiness.SuccessThreshold)
            {
                ready = true;
                everReady = true;
                onReadinessChanged(true);
            }
            else if (ready && failures >= readiness.FailureThreshold)
            {
                ready = false;
                onReadinessChanged(false);
            }

            return false;
        }, () => everReady, ct).ConfigureAwait(false);
    }

    /// <summary>Probes at the times <see cref="ProbeCadence"/> gives until <paramref name="done"/> says so.</summary>
    /// <param name="settled">Whether the start-up phase is over (see <see cref="ProbeCadence.Next"/>); null when it never runs.</param>
    private async Task ProbeLoopAsync(ProbeSchedule schedule, string kind, ProbeStart start, Func<ProbeResult, int, int, bool> done, Func<bool>? settled, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var cadence = new ProbeCadence(schedule.Period, start, now, random);
        var first = cadence.First(now, schedule.InitialDelay) - now;
        if (first > TimeSpan.Zero)
        {
            await Task.Delay(first, time, ct).ConfigureAwait(false);
        }

        var successes = 0;
        var failures = 0;
        while (true)
        {
            var began = time.GetUtcNow();
            var result = await runner.RunAsync(schedule.Action, schedule.Timeout, ct).ConfigureAwait(false);
            if (result.Success)
            {
                successes++;
                failures = 0;
            }
            else
            {
                failures++;
                successes = 0;
                Log.ProbeFailed(logger, instanceId, kind, failures, result.Detail);
            }

            if (done(result, successes, failures))
            {
                return;
            }

            var wait = cadence.Next(began, settled?.Invoke() ?? true) - time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, ct).ConfigureAwait(false);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Debug, Message = "Instance {InstanceId}: {Kind} probe failed ({Failures} in a row): {Detail}")]
        public static partial void ProbeFailed(ILogger logger, string instanceId, string kind, int failures, string detail);
    }
}
