namespace Slipway.Core.Config;

/// <summary>A name of <c>requiredEnv</c> and whether the environment satisfies it, as the preflight checks judge it.</summary>
/// <param name="Problem">Why not, as the preflight refusal says it (never a secret's value); null when satisfied.</param>
public sealed record RequiredEnvStatus(string Name, bool Satisfied, string? Problem);
