using Slipway.Core.Spec;

namespace Slipway.Server.Secrets;

/// <summary>
/// The secret lookup of a server without a secret store: no key is set, and there is nothing to redact. Registered only
/// when nothing else provides <see cref="ISecretLookup"/> (the secret vault replaces it), so the preflight checks and
/// <c>slipway config</c> have a lookup to ask — and a reference to a secret is reported as "not set", as it is.
/// </summary>
internal sealed class NoSecretStore : ISecretLookup
{
    public Task<IReadOnlyDictionary<SecretKeyRef, SecretValue>> ResolveAsync(string environment, IReadOnlyCollection<SecretKeyRef> refs, CancellationToken ct) =>
        Task.FromResult<IReadOnlyDictionary<SecretKeyRef, SecretValue>>(new Dictionary<SecretKeyRef, SecretValue>());

    public string Redact(string text) => text;
}
