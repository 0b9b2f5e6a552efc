using Slipway.Core.Preflight;
using Slipway.Core.Spec;
using Slipway.Server.Apply;

namespace Slipway.Server.Preflight;

/// <summary>
/// Whether the store still holds a revision's artifact with the content its digest names, for a release that runs a
/// revision made earlier (<c>rollout undo</c>, <c>retry</c>, a secret change) — an apply has just hashed and copied
/// its own.
/// </summary>
/// <remarks>
/// The store keeps no record of a copy's digest beside the copy, and a copy is only ever written whole and verified
/// (<see cref="ArtifactStore.ImportAsync"/>); what can go wrong later is that it is deleted (housekeeping, once no kept
/// revision names it; a user clearing the data directory) or changed on disk by hand (the copies are read-only, but
/// not to root). So the check is: the copy exists, and hashing it again gives its digest — the same pass an apply makes,
/// bounded by the same time limit (<c>slipway server --artifact-timeout</c>, 5 minutes by default). It reads every
/// byte of the copy once, about what starting one instance costs (each instance starts from a copy of the copy).
/// </remarks>
internal static class StoredArtifactCheck
{
    public static async Task<ArtifactFact> CheckAsync(ArtifactStore artifacts, ArtifactRef artifact, ArtifactLimits limits, TimeProvider time, CancellationToken ct)
    {
        if (artifact.Digest is not { } digest)
        {
            return ArtifactFact.NotChecked; // a revision from before artifacts were copied runs from its directory
        }

        var path = artifacts.PathFor(digest);
        using var _ = artifacts.Use(digest); // not collected while it is being checked
        if (!Directory.Exists(path))
        {
            return new ArtifactFact(ArtifactState.Missing, digest);
        }

        try
        {
            var found = await ArtifactTimeout.RunAsync(t => ArtifactDigest.ComputeAsync(path, t), limits.Timeout, time, ct);
            return found == digest ? ArtifactFact.Verified(digest) : new ArtifactFact(ArtifactState.DigestMismatch, digest, found);
        }
        catch (TimeoutException)
        {
            return new ArtifactFact(ArtifactState.Unreadable, digest, $"hashing it took longer than {DurationParser.Format(limits.Timeout)}, the limit (slipway server --artifact-timeout)");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArtifactChangedException)
        {
            return Directory.Exists(path) ? new ArtifactFact(ArtifactState.Unreadable, digest, e.Message) : new ArtifactFact(ArtifactState.Missing, digest);
        }
    }
}
