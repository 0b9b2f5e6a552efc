using Slipway.Core.Spec;
using Slipway.Server.Secrets;

namespace Slipway.Server.Tests.Support;

/// <summary>
/// A fake of the secret vault for these tests only (the vault is another part of Slipway, tested on its own): the
/// values a test gives, by secret name and key, resolved at any version, and redacted as the vault would.
/// </summary>
internal sealed class FakeSecrets : ISecretLookup
{
    private readonly Dictionary<(string Environment, string Name, string Key), string> _values = [];

    public FakeSecrets Set(string environment, string name, string key, string value)
    {
        _values[(environment, name, key)] = value;
        return this;
    }

    public Task<IReadOnlyDictionary<SecretKeyRef, SecretValue>> ResolveAsync(string environment, IReadOnlyCollection<SecretKeyRef> refs, CancellationToken ct)
    {
        var found = new Dictionary<SecretKeyRef, SecretValue>();
        foreach (var reference in refs)
        {
            if (_values.TryGetValue((environment, reference.Name, reference.Key), out var value))
            {
                found[reference] = new SecretValue(value, reference.Version ?? 1);
            }
        }

        return Task.FromResult<IReadOnlyDictionary<SecretKeyRef, SecretValue>>(found);
    }

    public string Redact(string text)
    {
        foreach (var ((_, name, key), value) in _values)
        {
            text = text.Replace(value, $"[secret {name}/{key}]", StringComparison.Ordinal);
        }

        return text;
    }
}
