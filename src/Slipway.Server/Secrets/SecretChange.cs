using Slipway.Store;

namespace Slipway.Server.Secrets;

/// <summary>What a <c>secret set</c> did: the secret as it is now, the keys whose value changed, the keys removed.</summary>
/// <param name="Secret">Null only when nothing changed and there was no such secret (never: a set makes one).</param>
internal sealed record SecretChange(SecretRecord Secret, IReadOnlyList<string> Changed, IReadOnlyList<string> Removed)
{
    /// <summary>Every value given was the key's value already, and nothing was removed: no new version.</summary>
    public bool Unchanged => Changed.Count == 0 && Removed.Count == 0;
}

/// <summary>Why a secret request was not carried out; the message names secrets and keys, never a value.</summary>
internal sealed record SecretProblem(string Message, SecretProblemKind Kind);

internal enum SecretProblemKind
{
    /// <summary>The request is wrong (a name, a key, a value that cannot be an env variable): 400.</summary>
    Invalid,

    /// <summary>No such secret: 404.</summary>
    NotFound,

    /// <summary>It cannot be done now (apps use the secret, the key comes from the environment): 409.</summary>
    Conflict,
}

/// <summary>What a key rotation did: the new key, the keys retired, how many values were re-encrypted.</summary>
internal sealed record KeyRotation(string KeyId, IReadOnlyList<string> Retired, int Reencrypted)
{
    /// <summary>How many signing keys' private halves were re-encrypted with the values.</summary>
    public int SigningKeys { get; init; }
}
