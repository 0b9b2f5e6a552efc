using Slipway.Core.Spec;

namespace Slipway.Server.Secrets;

/// <summary>
/// What the rest of the server may ask of secrets: the values of the keys a revision, a hook or a preflight check refers
/// to, and text with every known secret value taken out. Implemented by the secret vault (decrypting the store's values
/// with the master key); the one way values leave it.
/// </summary>
internal interface ISecretLookup
{
    /// <summary>
    /// The value of each key of <paramref name="refs"/> in <paramref name="environment"/>: at its
    /// <see cref="SecretKeyRef.Version"/> when it has one, else the newest. A key that does not exist (no such secret,
    /// key or version) is absent from the answer.
    /// </summary>
    Task<IReadOnlyDictionary<SecretKeyRef, SecretValue>> ResolveAsync(string environment, IReadOnlyCollection<SecretKeyRef> refs, CancellationToken ct);

    /// <summary><paramref name="text"/> with every value of every stored secret replaced by a mark naming it (<c>[secret db/url]</c>).</summary>
    string Redact(string text);

    /// <summary>
    /// Why <see cref="ResolveAsync"/> left <paramref name="reference"/> out — no such secret, key or version, or a value
    /// that does not decrypt — in words that name the secret and key, never a value (an instance's failed start says it).
    /// </summary>
    string DescribeMissing(string environment, SecretKeyRef reference) =>
        $"secret {reference.Name} has no key {reference.Key}{(reference.Version is { } v ? $" at version {v}" : "")} in environment {environment}";
}

/// <summary>
/// A secret key's value and the version of the secret it was read from: the version at which the key got this value,
/// which is what a revision pins (<see cref="SecretKeyRef.Version"/>).
/// </summary>
internal sealed record SecretValue(string Value, int Version)
{
    public override string ToString() => $"SecretValue(version {Version})"; // never the value, whatever prints it
}
