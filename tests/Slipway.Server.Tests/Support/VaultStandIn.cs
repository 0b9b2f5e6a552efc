using System.Collections.Concurrent;
using Slipway.Core.Spec;
using Slipway.Server.Secrets;

namespace Slipway.Server.Tests.Support;

/// <summary>
/// A STAND-IN for the secret vault (issue 11, part 3), which another change writes: secret values held in memory per
/// environment, name and key, each set a new version, answered as <see cref="ISecretLookup"/> promises. Lets the
/// preflight and config tests run against secrets until the lead merges the real vault; then they should use it.
/// </summary>
internal sealed class VaultStandIn : ISecretLookup
{
    private readonly ConcurrentDictionary<(string Environment, string Name, string Key), List<string>> _values = new();

    /// <summary>Every value ever set: what no answer, output or log may hold.</summary>
    public IReadOnlyList<string> AllValues => [.. _values.Values.SelectMany(v => { lock (v) { return v.ToList(); } })];

    /// <summary>Sets <paramref name="key"/> of secret <paramref name="name"/> in <paramref name="environment"/>: a new version.</summary>
    public int Set(string environment, string name, string key, string value)
    {
        var versions = _values.GetOrAdd((environment, name, key), _ => []);
        lock (versions)
        {
            versions.Add(value);
            return versions.Count;
        }
    }

    public Task<IReadOnlyDictionary<SecretKeyRef, SecretValue>> ResolveAsync(string environment, IReadOnlyCollection<SecretKeyRef> refs, CancellationToken ct)
    {
        var found = new Dictionary<SecretKeyRef, SecretValue>();
        foreach (var reference in refs)
        {
            if (!_values.TryGetValue((environment, reference.Name, reference.Key), out var versions))
            {
                continue;
            }

            lock (versions)
            {
                var version = reference.Version ?? versions.Count;
                if (version >= 1 && version <= versions.Count)
                {
                    found[reference] = new SecretValue(versions[version - 1], version);
                }
            }
        }

        return Task.FromResult<IReadOnlyDictionary<SecretKeyRef, SecretValue>>(found);
    }

    public string Redact(string text)
    {
        foreach (var ((_, name, key), versions) in _values)
        {
            foreach (var value in AllValuesOf(versions))
            {
                text = text.Replace(value, $"[secret {name}/{key}]", StringComparison.Ordinal);
            }
        }

        return text;
    }

    private static List<string> AllValuesOf(List<string> versions)
    {
        lock (versions)
        {
            return [.. versions.Where(v => v.Length > 0)];
        }
    }
}
