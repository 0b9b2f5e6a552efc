using Microsoft.Extensions.Logging;
using Slipway.Server.Apply;
using Slipway.Store;

namespace Slipway.Server.Housekeeping;

/// <summary>
/// Deletes the artifact copies no stored revision of any app names any more: those of revisions the history limit let
/// go and of deleted apps. Copies are shared by digest, so one goes only when no kept revision anywhere uses it.
/// Instances are unaffected: each runs in a copy of its own (see <see cref="ArtifactStore"/>).
/// </summary>
internal sealed partial class ArtifactCollector(IStore store, ArtifactStore artifacts, ILogger<ArtifactCollector> logger)
{
    /// <returns>The digests whose copies were deleted.</returns>
    public async Task<IReadOnlyList<string>> CollectAsync(CancellationToken ct)
    {
        // Begun before the store is read: an apply that copies now and saves after the read is seen using its digest.
        using var collection = artifacts.BeginCollection();
        var named = (await store.ListRevisionSummariesAsync(ct))
            .Select(r => r.ArtifactDigest)
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        var deleted = new List<string>();
        foreach (var digest in artifacts.List().Where(d => !named.Contains(d)))
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                if (artifacts.TryDelete(digest))
                {
                    deleted.Add(digest);
                    Log.Deleted(logger, digest);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // This copy only; the next pass tries again.
                Log.DeleteFailed(logger, digest, e);
            }
        }

        return deleted;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Artifact copy {Digest} deleted: no kept revision uses it")]
        public static partial void Deleted(ILogger logger, string digest);

        [LoggerMessage(2, LogLevel.Warning, "Artifact copy {Digest} could not be deleted")]
        public static partial void DeleteFailed(ILogger logger, string digest, Exception e);
    }
}
