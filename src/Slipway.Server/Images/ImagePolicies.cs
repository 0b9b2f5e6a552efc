using Slipway.Core.Images;
using Slipway.Core.Spec;
using Slipway.Store;

namespace Slipway.Server.Images;

/// <summary>
/// The image policies the server holds, as the places that run or promote an image ask for them: "what must an image
/// satisfy in prod?" (<see cref="ForEnvironmentAsync"/>). Read from the store at each question, never cached: a policy
/// applied or deleted a moment ago is the one that counts, and the question is asked once per apply or promotion,
/// not per request.
/// </summary>
internal sealed class ImagePolicies(IStore store)
{
    /// <summary>
    /// The effective policy of <paramref name="environment"/>: every policy that names it, taken together
    /// (<see cref="EffectiveImagePolicy.Of"/>). <see cref="EffectiveImagePolicy.RequiresNothing"/> when none does.
    /// </summary>
    public async Task<EffectiveImagePolicy> ForEnvironmentAsync(string environment, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var policies = await store.ListImagePoliciesAsync(ct);
        return EffectiveImagePolicy.Of(environment, policies.Select(p => p.Policy));
    }

    /// <summary>Every policy, by name; with <paramref name="environment"/>, those that name it.</summary>
    public async Task<IReadOnlyList<ImagePolicyRecord>> ListAsync(string? environment, CancellationToken ct)
    {
        var policies = await store.ListImagePoliciesAsync(ct);
        return environment is null ? policies : [.. policies.Where(p => p.Policy.Covers(environment))];
    }

    /// <summary>
    /// The keys policies name that the server does not have, each an error at its <c>spec.signatures.keys[i]</c>: a policy
    /// asking for a signature no key here can check would refuse every image of its environments, so it is refused when
    /// applied (as a missing secret is), not found out at the first rollout.
    /// </summary>
    /// <param name="keys">The names of the signing keys the server holds.</param>
    public static IReadOnlyList<SpecError> UnknownKeys(IReadOnlyList<ImagePolicy> policies, IReadOnlySet<string> keys)
    {
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(keys);
        var errors = new List<SpecError>();
        foreach (var policy in policies)
        {
            var listed = policy.Signatures?.Keys ?? [];
            for (var i = 0; i < listed.Count; i++)
            {
                if (!keys.Contains(listed[i]))
                {
                    var path = $"spec.signatures.keys[{i}]";
                    var known = keys.Count == 0 ? "it has none yet" : "it has " + string.Join(", ", keys.Order(StringComparer.Ordinal));
                    var message = $"there is no signing key '{listed[i]}' on this server ({known}): generate or import it with slipway keys first";
                    errors.Add(policy.Source?.ErrorAt(path, message) ?? new SpecError("(spec)", 1, 1, path, message));
                }
            }
        }

        return errors;
    }
}
