using Slipway.Core.Rollouts;

namespace Slipway.Server.Targets;

/// <summary>An instance as a target reports it: what the planner observes, and what <c>slipway status</c> shows.</summary>
/// <param name="AppUid">The identity of the app×env that created it; null for instances made before apps had one.</param>
/// <param name="Phase">The target's own word for what it is doing (Starting, Ready, CrashLoopBackOff …).</param>
internal sealed record TargetInstance(
    string Id,
    string App,
    string Environment,
    string? AppUid,
    int Revision,
    DateTimeOffset CreatedAt,
    string Phase,
    bool Ready,
    DateTimeOffset? ReadySince,
    int Restarts,
    string Endpoint,
    int Pid,
    string? LastExit)
{
    public ObservedInstance Observe(bool terminating) =>
        new(Id, Revision, CreatedAt, Ready && !terminating, terminating ? null : ReadySince, Restarts, terminating);
}
