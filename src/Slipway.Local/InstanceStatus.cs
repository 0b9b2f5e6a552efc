namespace Slipway.Local;

/// <summary>What an instance is doing now; a new value replaces the old one on every change.</summary>
/// <param name="Pid">0 while no process runs (backoff, stopped).</param>
/// <param name="LastExit">Why the previous process ended: "exit code 1", "killed by SIGKILL", "liveness probe failed" …</param>
public sealed record InstanceStatus(
    InstancePhase Phase,
    bool Ready,
    int Pid,
    int Port,
    int Restarts,
    string? LastExit,
    DateTimeOffset? ReadySince);
