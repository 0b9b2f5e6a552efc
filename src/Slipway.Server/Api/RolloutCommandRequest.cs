namespace Slipway.Server.Api;

/// <summary>
/// The JSON body of <c>POST /api/v1/apps/{app}/{env}/rollout/{command}</c>: <c>{}</c>, or <c>{"full": true}</c>
/// with promote to skip the remaining steps. An unknown field is refused, never ignored.
/// </summary>
public sealed record RolloutCommandRequest(bool Full = false);
