namespace Slipway.Local.State;

/// <summary>
/// What survives the controller: everything needed to find an instance's process again, tell it
/// from a pid reuse, and carry on supervising it as if nothing happened (readiness included, so
/// that a controller restart does not drain a healthy instance).
/// </summary>
/// <param name="ProcessStartTime">Field 22 of /proc/&lt;pid&gt;/stat when it was started.</param>
internal sealed record InstanceRecord(
    InstanceSpec Spec,
    int Port,
    int Pid,
    ulong ProcessStartTime,
    DateTimeOffset? ProcessStartedAt,
    int Restarts,
    int ConsecutiveFailures,
    bool Started,
    bool Ready,
    DateTimeOffset? ReadySince,
    string? LastExit)
{
    /// <summary>The container running the instance, for an image artifact; null for a process (and in older records).</summary>
    public string? ContainerId { get; init; }
}
