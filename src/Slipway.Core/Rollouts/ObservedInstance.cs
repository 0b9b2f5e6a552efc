namespace Slipway.Core.Rollouts;

/// <summary>
/// One instance as the target observes it: the planner's only view of what runs. Everything a rollout decision needs
/// is here — which revision it runs, since when it exists, whether and since when it is ready, how often it restarted —
/// so that no decision has to read an instance id or a message.
/// </summary>
/// <param name="Id">Opaque to the planner except as the name of an instance to stop.</param>
/// <param name="CreatedAt">When the instance was created (not when its current process started).</param>
/// <param name="ReadySince">When it last became ready; null while it is not ready.</param>
/// <param name="Restarts">How often its process was restarted (exited, crashed or failed liveness) since it was created.</param>
/// <param name="Terminating">Being drained and stopped: it counts for nothing but is still there.</param>
public sealed record ObservedInstance(
    string Id,
    int Revision,
    DateTimeOffset CreatedAt,
    bool Ready,
    DateTimeOffset? ReadySince,
    int Restarts,
    bool Terminating)
{
    /// <summary>Ready without a break for at least <paramref name="minReady"/> (Kubernetes' "available").</summary>
    public bool IsAvailable(DateTimeOffset now, TimeSpan minReady) =>
        Ready && !Terminating && ReadySince is { } since && now - since >= minReady;
}
