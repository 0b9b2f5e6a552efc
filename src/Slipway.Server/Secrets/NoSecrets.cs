using Slipway.Core.Spec;

namespace Slipway.Server.Secrets;

/// <summary>
/// The secret lookup of a server without a secret vault: it resolves no key and has nothing to redact. It stands in
/// until the vault (the secrets part of issue 11) registers the real <see cref="ISecretLookup"/>, which then takes its
/// place: it is registered only when no other is.
/// </summary>
internal sealed class NoSecrets : ISecretLookup
{
    public Task<IReadOnlyDictionary<SecretKeyRef, SecretValue>> ResolveAsync(string environment, IReadOnlyCollection<SecretKeyRef> refs, CancellationToken ct) =>
        Task.FromResult<IReadOnlyDictionary<SecretKeyRef, SecretValue>>(new Dictionary<SecretKeyRef, SecretValue>());

    public string Redact(string text) => text;
}
