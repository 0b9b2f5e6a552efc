namespace Slipway.Server.Api;

/// <summary>
/// The JSON body of <c>POST /api/v1/apps/{app}/{env}/rollout/{command}</c>: <c>{}</c>, <c>{"full": true}</c> with
/// promote to skip the remaining steps, <c>{"toRevision": N}</c> with undo to go back to revision N, or
/// <c>{"overrideErrorBudget": {"reason": "…", "actor": "…"}}</c> with retry to start it although the error budget burns
/// too fast. An unknown
/// field is refused, never ignored.
/// </summary>
public sealed record RolloutCommandRequest(bool Full = false, int? ToRevision = null)
{
    /// <summary>With retry: start the rollout even though the error budget burns too fast; who and why are recorded.</summary>
    public Core.Slo.ErrorBudgetOverride? OverrideErrorBudget { get; init; }
}
