using System.Collections.Frozen;
using System.Globalization;

namespace Slipway.Local;

/// <summary>The environment an instance (and its exec probes) runs with.</summary>
internal static class InstanceEnvironment
{
    public const string PortVariable = "PORT";
    public const string InstanceVariable = "SLIPWAY_INSTANCE";

    /// <param name="secrets">The values of <see cref="InstanceSpec.SecretEnv"/>, by env name, resolved for this start.</param>
    public static IReadOnlyDictionary<string, string> Build(InstanceSpec spec, int port, IReadOnlyList<string> inherited, IReadOnlyDictionary<string, string>? secrets = null)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in inherited)
        {
            if (System.Environment.GetEnvironmentVariable(name) is { } value)
            {
                env[name] = value;
            }
        }

        foreach (var (name, value) in spec.Env)
        {
            env[name] = value;
        }

        foreach (var (name, value) in secrets ?? FrozenDictionary<string, string>.Empty)
        {
            env[name] = value;
        }

        // Set last: these are Slipway's to decide, a spec cannot override them.
        env[PortVariable] = port.ToString(CultureInfo.InvariantCulture);
        env["SLIPWAY_APP"] = spec.App;
        env["SLIPWAY_ENV"] = spec.Environment;
        env["SLIPWAY_REVISION"] = spec.Revision.ToString(CultureInfo.InvariantCulture);
        env[InstanceVariable] = spec.InstanceId;
        return env;
    }
}
