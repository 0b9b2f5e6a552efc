using Slipway.Core.Rollouts;

namespace Slipway.Server.Api;

/// <summary>
/// The JSON body of <c>POST /api/v1/apps/{app}/{env}/rollout/{command}</c>: <c>{}</c>, <c>{"full": true}</c> with
/// promote to skip the remaining steps, or <c>{"toRevision": N}</c> with undo to go back to revision N. With undo and
/// retry, <c>{"force": true, "reason": "…", "actor": "…"}</c> goes back past an irreversible change and is recorded;
/// with retry, <c>{"overrideErrorBudget": {"reason": "…", "actor": "…"}}</c> starts it although the error budget burns
/// too fast. An unknown field is refused, never ignored.
/// </summary>
public sealed record RolloutCommandRequest(bool Full = false, int? ToRevision = null, bool Force = false, string? Reason = null, string? Actor = null)
{
    /// <summary>With retry: start the rollout even though the error budget burns too fast; who and why are recorded.</summary>
    public Core.Slo.ErrorBudgetOverride? OverrideErrorBudget { get; init; }

    /// <summary>Who forces the rollback and why; null without <see cref="Force"/>. Call <see cref="ForceProblem"/> first.</summary>
    public RollbackOverride? Override() =>
        Force ? new RollbackOverride(string.IsNullOrWhiteSpace(Actor) ? "(actor not given)" : Actor.Trim(), Reason!.Trim()) : null;

    /// <summary>Why the force fields do not fit <paramref name="command"/>; null when they do.</summary>
    public string? ForceProblem(string command) =>
        !Force ? (Reason is not null ? "'reason' goes with 'force'" : null)
        : command is not ("undo" or "retry") ? $"'force' applies to undo and retry only, not to {command}"
        : string.IsNullOrWhiteSpace(Reason) ? "'force' needs a 'reason': say why the rollback is safe; it is recorded with who forced it"
        : null;
}
