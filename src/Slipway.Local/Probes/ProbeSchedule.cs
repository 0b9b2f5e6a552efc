using Slipway.Core.Spec;

namespace Slipway.Local.Probes;

/// <summary>A probe's timing and thresholds, as durations, with out-of-range values raised to the Kubernetes minimums.</summary>
internal sealed record ProbeSchedule(
    ProbeAction Action,
    TimeSpan InitialDelay,
    TimeSpan Period,
    TimeSpan Timeout,
    int FailureThreshold,
    int SuccessThreshold)
{
    public static ProbeSchedule From(ProbeSpec spec) => new(
        spec.Action,
        TimeSpan.FromSeconds(Math.Max(0, spec.InitialDelaySeconds)),
        TimeSpan.FromSeconds(spec.PeriodSeconds > 0 ? spec.PeriodSeconds : 10),
        TimeSpan.FromSeconds(Math.Max(1, spec.TimeoutSeconds)),
        Math.Max(1, spec.FailureThreshold),
        Math.Max(1, spec.SuccessThreshold));

    /// <summary>
    /// Used when a spec declares no readiness probe: ready once $PORT accepts a connection. The
    /// router must never be handed an endpoint that refuses connections, so "process is up" alone
    /// is not enough. Otherwise Kubernetes' defaults: timeout 1 s, failure threshold 3, and the
    /// period <see cref="SupervisorOptions.ImplicitReadinessPeriod"/> (10 s), which does not slow a
    /// new instance down: until first ready it is probed every second (see <see cref="ProbeCadence"/>).
    /// </summary>
    public static ProbeSchedule ImplicitReadiness(TimeSpan period) =>
        new(new TcpSocketAction(null), TimeSpan.Zero, period, TimeSpan.FromSeconds(1), FailureThreshold: 3, SuccessThreshold: 1);
}
