namespace Slipway.Core.Config;

/// <summary>Where an env variable of an instance gets its value.</summary>
public enum ConfigSource
{
    /// <summary>Written in the spec's <c>env</c> (<c>value:</c>).</summary>
    Value,

    /// <summary>A key of a secret of the environment (<c>valueFrom.secretKeyRef</c>).</summary>
    Secret,

    /// <summary>Set by Slipway for every instance: <c>PORT</c>, <c>SLIPWAY_APP</c>, <c>SLIPWAY_ENV</c>,
    /// <c>SLIPWAY_REVISION</c>, <c>SLIPWAY_INSTANCE</c>.</summary>
    Slipway,
}
