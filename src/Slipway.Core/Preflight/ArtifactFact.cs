namespace Slipway.Core.Preflight;

/// <summary>
/// What the server found of a revision's artifact: the digest the revision names, and whether the store holds a copy
/// with that content. Gathered by the server (it reads files); judged by <see cref="PreflightChecks"/>.
/// </summary>
/// <param name="Detail">Why it could not be checked (<see cref="ArtifactState.Unreadable"/>), or the digest found
/// (<see cref="ArtifactState.DigestMismatch"/>).</param>
public sealed record ArtifactFact(ArtifactState State, string? Digest, string? Detail = null)
{
    /// <summary>Nothing to judge: the caller checked it another way, or does not release anything (<c>slipway config</c>).</summary>
    public static readonly ArtifactFact NotChecked = new(ArtifactState.NotChecked, null);

    /// <summary>Hashed just now (an apply reads and copies the directory): present, and the digest is its content.</summary>
    public static ArtifactFact Verified(string? digest) => new(ArtifactState.Verified, digest);
}

/// <summary>What <see cref="ArtifactFact"/> found.</summary>
public enum ArtifactState
{
    NotChecked,
    Verified,
    Missing,
    DigestMismatch,
    Unreadable,

    /// <summary>An image artifact its registry no longer serves at the pinned digest, or that could not be asked (the detail says which).</summary>
    ImageUnavailable,
}
