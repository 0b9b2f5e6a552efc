namespace Slipway.Core.Hooks;

/// <summary>
/// Which hook run a rollout wants: one per hook per rollout of a revision, identified like an analysis run by the
/// revision and the moment the rollout started — a retry, or the same revision applied anew, starts a new rollout and
/// so new runs. An <c>event</c> hook has a run per event (<see cref="EventId"/>).
/// </summary>
/// <param name="Hook">The hook's name in the spec.</param>
/// <param name="EventId">The event an <see cref="HookType.Event"/> run delivers; 0 for the other types.</param>
public sealed record HookRunKey(HookType Type, string Hook, int Revision, DateTimeOffset RolloutStartedAt, long EventId = 0)
{
    public override string ToString() => Type == HookType.Event
        ? $"event hook {Hook} (event {EventId})"
        : $"{HookNames.Of(Type)} hook {Hook} of revision {Revision}";
}

/// <summary>A run the rollout wants to exist: its key and the hook as the spec has it now.</summary>
public sealed record HookRunRequest(HookRunKey Key, HookSpec Hook);

/// <summary>
/// A hook run as the planner sees it: which run, its phase, how many attempts it made, and for a failed one how the
/// last attempt ended (exit code or HTTP status, then the last lines of its output, secret values redacted).
/// </summary>
public sealed record HookRunState(HookRunKey Key, HookPhase Phase, int Attempts, string? Message);
