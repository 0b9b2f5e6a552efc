using Slipway.Server.Apply;
using Slipway.Store;

namespace Slipway.Server.Api;

/// <summary>
/// The JSON body of <c>PUT /api/v1/secrets/{env}/{name}</c>: keys to set (<c>data</c>, merged into the secret) and keys to
/// drop (<c>remove</c>), and who does it (<c>actor</c>, recorded). An unknown field is refused.
/// </summary>
public sealed record SecretSetRequest(IReadOnlyDictionary<string, string>? Data = null, IReadOnlyList<string>? Remove = null, string? Actor = null)
{
    public override string ToString() => $"SecretSetRequest({Data?.Count ?? 0} keys, {Remove?.Count ?? 0} removed, by {Actor})"; // never a value
}

/// <summary>The optional JSON body of <c>DELETE /api/v1/secrets/{env}/{name}</c> and <c>POST /api/v1/secrets/rotate-key</c>: who does it.</summary>
public sealed record SecretActorRequest(string? Actor = null);

/// <summary>A secret as <c>GET /api/v1/secrets</c> lists it (<c>slipway secret list -o json</c>): never a value.</summary>
/// <param name="Version">The secret's version: one more at every change.</param>
/// <param name="Keys">Each key and the version its value was last set at (what a revision pins), by key.</param>
public sealed record SecretView(string Environment, string Name, int Version, IReadOnlyList<SecretKeyView> Keys, DateTimeOffset UpdatedAt, string UpdatedBy)
{
    internal static SecretView Of(SecretRecord secret) =>
        new(secret.Environment, secret.Name, secret.Version, [.. secret.Keys.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => new SecretKeyView(k.Key, k.Value))], secret.UpdatedAt, secret.UpdatedBy);
}

public sealed record SecretKeyView(string Name, int Version);

/// <summary>
/// The answer of <c>PUT /api/v1/secrets/{env}/{name}</c>: the secret now, the keys changed and removed, and the app×envs a
/// new revision was rolled out to because they use a changed key.
/// </summary>
/// <param name="Unchanged">Every value given was the key's value already and nothing was removed: no new version.</param>
public sealed record SecretSetAnswer(SecretView Secret, IReadOnlyList<string> Changed, IReadOnlyList<string> Removed, bool Unchanged, IReadOnlyList<AppliedApp> RolledOut, string Message)
{
    /// <summary>Apps that use a changed key but were not rolled out, each with why (the preflight checks refuse the new value).</summary>
    public IReadOnlyList<string> NotRolledOut { get; init; } = [];
}

/// <summary>The answer of <c>POST /api/v1/secrets/rotate-key</c>.</summary>
/// <param name="KeyId">The new master key's id (8 hex digits of its SHA-256).</param>
/// <param name="Retired">The ids of the keys no longer kept.</param>
/// <param name="Reencrypted">How many stored values were re-encrypted under the new key.</param>
public sealed record KeyRotationView(string KeyId, IReadOnlyList<string> Retired, int Reencrypted, string Message);
