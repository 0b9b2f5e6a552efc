namespace Slipway.Server.Api;

/// <summary>
/// The JSON body of <c>POST /api/v1/apps/{app}/{env}/rollout/{command}</c>: <c>{}</c>, <c>{"full": true}</c> with
/// promote to skip the remaining steps, or <c>{"toRevision": N}</c> with undo to go back to revision N. An unknown
/// field is refused, never ignored.
/// </summary>
public sealed record RolloutCommandRequest(bool Full = false, int? ToRevision = null);
