using Slipway.Core.Spec;
using Slipway.Local;

namespace Slipway.Server.Secrets;

/// <summary>
/// What the local supervisor asks at each start of an instance: the values of its secret env, from
/// <see cref="ISecretLookup"/>, at the versions its revision pinned. A reference that does not resolve fails that start
/// with the lookup's reason (secret and key named, never a value).
/// </summary>
internal sealed class InstanceSecrets(ISecretLookup secrets) : IInstanceSecrets
{
    public async Task<SecretResolution> ResolveAsync(InstanceSpec spec, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var found = await secrets.ResolveAsync(spec.Environment, [.. spec.SecretEnv.Values.Distinct()], ct);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var (name, reference) in spec.SecretEnv.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (found.TryGetValue(reference, out var value))
            {
                values[name] = value.Value;
            }
            else
            {
                problems.Add($"{name}: {secrets.DescribeMissing(spec.Environment, reference)}");
            }
        }

        return problems.Count == 0 ? SecretResolution.Resolved(values) : SecretResolution.Failed(string.Join("; ", problems));
    }
}
