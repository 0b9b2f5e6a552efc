using Slipway.Core.Spec;

namespace Slipway.Local;

/// <summary>
/// Gives an instance the values of its secret env (<see cref="InstanceSpec.SecretEnv"/>) as it starts. Asked at every
/// start and restart, adopted instances included, so that no value is ever written to the supervisor's state files:
/// they hold the references only. The server implements it over its secret vault.
/// </summary>
public interface IInstanceSecrets
{
    /// <summary>The value of each entry of <paramref name="spec"/>'s <see cref="InstanceSpec.SecretEnv"/>, by env name; or why not.</summary>
    Task<SecretResolution> ResolveAsync(InstanceSpec spec, CancellationToken ct);
}

/// <summary>The values of an instance's secret env by env name, or the reason they cannot be had (naming secrets and keys, never a value).</summary>
public sealed class SecretResolution
{
    private SecretResolution(IReadOnlyDictionary<string, string>? values, string? problem)
    {
        Values = values;
        Problem = problem;
    }

    /// <summary>Every value, by env name; null when <see cref="Problem"/> says why not.</summary>
    public IReadOnlyDictionary<string, string>? Values { get; }

    public string? Problem { get; }

    public static SecretResolution Resolved(IReadOnlyDictionary<string, string> values) => new(values ?? throw new ArgumentNullException(nameof(values)), null);

    public static SecretResolution Failed(string problem) => new(null, problem ?? throw new ArgumentNullException(nameof(problem)));

    public override string ToString() => Problem ?? $"SecretResolution({Values!.Count} values)"; // never a value
}
