using Slipway.Core.Spec;

namespace Slipway.Server.Secrets;

/// <summary>
/// Pins a template's secret references: each <see cref="SecretKeyRef.Version"/> set to the version at which its key
/// last changed in the app's environment, before the template is hashed into a revision. So a changed secret is a
/// changed template — a new revision, rolled out by the strategy — and a revision always runs with the values it was
/// made with (rolling back goes back to them too).
/// </summary>
internal static class SecretPins
{
    /// <summary>
    /// <paramref name="template"/> with the references <paramref name="repin"/> selects (every one by default) pinned to
    /// the current versions; and the index in <c>env</c> of each reference that does not resolve (no such secret or key).
    /// </summary>
    public static async Task<(InstanceTemplate Template, IReadOnlyList<int> Missing)> PinAsync(
        ISecretLookup? secrets, string environment, InstanceTemplate template, CancellationToken ct, Func<SecretKeyRef, bool>? repin = null)
    {
        ArgumentNullException.ThrowIfNull(template);
        var wanted = template.Env
            .Select((e, i) => (Env: e, Index: i))
            .Where(e => e.Env.SecretKeyRef is { } reference && (repin is null || repin(reference)))
            .ToList();
        if (wanted.Count == 0)
        {
            return (template, []);
        }

        var newest = wanted.Select(e => e.Env.SecretKeyRef! with { Version = null }).Distinct().ToList();
        var found = secrets is null ? new Dictionary<SecretKeyRef, SecretValue>() : await secrets.ResolveAsync(environment, newest, ct);
        var env = template.Env.ToList();
        var missing = new List<int>();
        foreach (var (entry, index) in wanted)
        {
            if (found.TryGetValue(entry.SecretKeyRef! with { Version = null }, out var value))
            {
                env[index] = entry with { SecretKeyRef = entry.SecretKeyRef! with { Version = value.Version } };
            }
            else
            {
                missing.Add(index);
            }
        }

        return (template with { Env = env }, missing);
    }

    /// <summary>Why a reference does not resolve, and the command that fixes it: the apply error at its <c>valueFrom</c>.</summary>
    public static string Problem(ISecretLookup? secrets, string environment, SecretKeyRef reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var newest = reference with { Version = null };
        var why = secrets?.DescribeMissing(environment, newest) ?? "this server has no access to secrets";
        return $"{why}: set it with `slipway secret set {reference.Name} {reference.Key}=… -e {environment}`";
    }
}
