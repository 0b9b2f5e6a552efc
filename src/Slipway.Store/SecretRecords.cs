namespace Slipway.Store;

/// <summary>
/// A secret of one environment as the store keeps it: its keys and, for each, the version of the secret at which its
/// value was last set — what a revision pins. Never a value (see <see cref="SecretValueRecord"/>).
/// </summary>
/// <param name="Version">Goes up by one with every change; never reused, not even after the secret is deleted and set
/// again, so a pinned version always means the value it was pinned with.</param>
/// <param name="Keys">Each key and the version its value was set at; empty when <see cref="Deleted"/>.</param>
/// <param name="UpdatedBy">Who made the last change, as the CLI reports it (<c>$SLIPWAY_ACTOR</c> or user@host).</param>
public sealed record SecretRecord(
    string Environment,
    string Name,
    int Version,
    IReadOnlyDictionary<string, int> Keys,
    DateTimeOffset UpdatedAt,
    string UpdatedBy)
{
    /// <summary>Deleted: kept only for its version number, listed by no one.</summary>
    public bool Deleted { get; init; }
}

/// <summary>
/// One value of one key of a secret: the ciphertext made by the master key <paramref name="KeyId"/>, bound to this
/// environment, secret, key and version. The store never sees the plaintext.
/// </summary>
/// <param name="Version">The version of the secret at which this value was set.</param>
public sealed record SecretValueRecord(string Environment, string Name, string Key, int Version, string KeyId, byte[] Ciphertext)
{
    public override string ToString() => $"SecretValueRecord({Environment}/{Name}/{Key} version {Version}, key {KeyId})";
}

/// <summary>What <see cref="IStore.DeleteSecretAsync"/> did.</summary>
/// <param name="UsedBy">The apps of the environment whose desired spec refers to the secret (all of them, also when
/// the deletion was forced).</param>
public sealed record SecretDeletion(SecretDeletionOutcome Outcome, IReadOnlyList<string> UsedBy);

public enum SecretDeletionOutcome
{
    Deleted,

    /// <summary>There is no such secret.</summary>
    NotFound,

    /// <summary>Apps refer to it and the deletion was not forced: nothing was deleted.</summary>
    InUse,
}
