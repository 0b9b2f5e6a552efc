namespace Slipway.Local;

public enum InstancePhase
{
    /// <summary>Being spawned, or waiting for its startup probe.</summary>
    Starting,

    /// <summary>Started (startup probe passed), not ready.</summary>
    Running,

    /// <summary>Started and passing its readiness probe: may receive traffic.</summary>
    Ready,

    /// <summary>Exited or failed liveness again and again; waiting out the backoff before the next restart.</summary>
    CrashLoopBackOff,

    /// <summary>Being stopped: SIGTERM sent, SIGKILL after the grace period.</summary>
    Terminating,

    /// <summary>Stopped for good; the instance is no longer supervised.</summary>
    Stopped,
}
