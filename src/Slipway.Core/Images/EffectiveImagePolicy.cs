namespace Slipway.Core.Images;

/// <summary>
/// What an image must satisfy to run in one environment: every <see cref="ImagePolicy"/> that names the environment,
/// taken together. Several policies may name the same environment (a company-wide "prod runs signed images" and a
/// team's "prod refuses high vulnerabilities"), and every one applies: the requirements add up, none replaces
/// another. For signatures that means each policy's requirement stands on its own — an image signed by one of
/// policy A's keys and not by any of policy B's fails B — so the requirements are kept side by side, not merged
/// into one list of keys (which would let either key through). For vulnerabilities the strictest threshold wins: a
/// gate at <c>high</c> also refuses everything a gate at <c>critical</c> refuses.
/// </summary>
/// <param name="Policies">The names of the policies that name the environment, in name order; empty when none does.</param>
/// <param name="Signatures">
/// The signature requirements, each to be met on its own, in policy name order. A requirement another one implies is
/// left out: "one of release, ci" goes when another policy asks for "release" (signed by release is signed by one of
/// them), and of two equal ones the first policy's stays.
/// </param>
/// <param name="Vulnerabilities">The strictest vulnerability gate, with the policy that set it; null when none sets one.</param>
public sealed record EffectiveImagePolicy(
    string Environment, IReadOnlyList<string> Policies, IReadOnlyList<SignatureRequirement> Signatures, VulnerabilityRequirement? Vulnerabilities)
{
    /// <summary>No policy asks anything of the environment's images: every image may run there.</summary>
    public bool RequiresNothing => Signatures.Count == 0 && Vulnerabilities is null;

    /// <summary>Every key some requirement names, in name order: the public keys a verification needs.</summary>
    public IReadOnlyList<string> Keys => [.. Signatures.SelectMany(s => s.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>
    /// The effective policy of <paramref name="environment"/> among <paramref name="policies"/> (all those the server
    /// holds: those that do not name the environment are passed over). Pure.
    /// </summary>
    public static EffectiveImagePolicy Of(string environment, IEnumerable<ImagePolicy> policies)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(policies);
        var applying = policies.Where(p => p.Covers(environment)).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();

        var requirements = applying
            .Where(p => p.Signatures is { Keys.Count: > 0 })
            .Select(p => new SignatureRequirement(p.Name, [.. p.Signatures!.Keys.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]))
            .ToList();
        var kept = requirements
            .Where((r, i) => !requirements.Where((other, j) => j != i && Implies(other, r) && (!Implies(r, other) || j < i)).Any())
            .ToList();

        var gate = applying
            .Where(p => p.Vulnerabilities is not null)
            .Select(p => new VulnerabilityRequirement(p.Vulnerabilities!.RefuseAt, p.Name))
            .OrderBy(v => v.RefuseAt) // stable: of equal thresholds, the first policy by name
            .FirstOrDefault();

        return new EffectiveImagePolicy(environment, [.. applying.Select(p => p.Name)], kept, gate);
    }

    /// <summary>
    /// The signature requirements an image does not meet, given the keys whose signatures on it verified (by name);
    /// empty when it may run as far as signatures go.
    /// </summary>
    public IReadOnlyList<SignatureRequirement> UnmetSignatures(IReadOnlyCollection<string> verifiedKeys)
    {
        ArgumentNullException.ThrowIfNull(verifiedKeys);
        return [.. Signatures.Where(s => !s.Keys.Any(k => verifiedKeys.Contains(k, StringComparer.Ordinal)))];
    }

    /// <summary>Whether a finding of <paramref name="severity"/> is refused by the gate (exceptions aside: the caller weighs them).</summary>
    public bool Refuses(VulnerabilitySeverity severity) => Vulnerabilities is { } gate && severity >= gate.RefuseAt;

    /// <summary>
    /// The policy in one sentence, as the CLI and refusals say it: "images in prod must be signed by release
    /// (prod-images); a vulnerability of high or critical severity refuses an image (base)".
    /// </summary>
    public string Describe()
    {
        if (RequiresNothing)
        {
            return $"no image policy applies to environment {Environment}: every image may run there";
        }

        var parts = new List<string>();
        if (Signatures.Count > 0)
        {
            parts.Add($"images in {Environment} must be signed " + string.Join(" and ", Signatures.Select(s => $"{s.Describe()} ({s.Policy})")));
        }

        if (Vulnerabilities is { } gate)
        {
            parts.Add($"an image with a vulnerability of {gate.RefuseAt.Refused()} severity is refused in {Environment} ({gate.Policy})");
        }

        return string.Join("; ", parts);
    }

    // Signed by one of a's keys means signed by one of b's when a's keys are all among b's.
    private static bool Implies(SignatureRequirement a, SignatureRequirement b) => a.Keys.All(k => b.Keys.Contains(k, StringComparer.Ordinal));
}

/// <summary>An image must carry a valid signature by at least one of <see cref="Keys"/> (sorted, each once), as <see cref="Policy"/> asks.</summary>
public sealed record SignatureRequirement(string Policy, IReadOnlyList<string> Keys)
{
    /// <summary>"by release", "by one of ci, release".</summary>
    public string Describe() => Keys.Count == 1 ? $"by {Keys[0]}" : $"by one of {string.Join(", ", Keys)}";
}

/// <summary>A finding at <see cref="RefuseAt"/> or above refuses the image, as <see cref="Policy"/> (the strictest) asks.</summary>
public sealed record VulnerabilityRequirement(VulnerabilitySeverity RefuseAt, string Policy);
