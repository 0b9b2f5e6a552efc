namespace Slipway.Core.Config;

/// <summary>
/// <c>GET /api/v1/apps/{app}/{env}/config</c>, <c>slipway config</c>: the env every instance of the desired revision
/// gets, in the order it is set (the spec's <c>env</c>, then Slipway's own variables), and <c>requiredEnv</c> with
/// whether each name is satisfied. Holds nothing secret: it is built to be shown.
/// </summary>
public sealed record ConfigView(string App, string Environment, int Revision, IReadOnlyList<EnvSetting> Env, IReadOnlyList<RequiredEnvStatus> RequiredEnv);
