namespace Slipway.Oci.Promotion;

/// <summary>
/// What a promotion did, for its record: which digest went where, and per blob and manifest whether it was already
/// there, mounted or sent, with the bytes sent. A tag that moved says from which digest: a tag never moves silently.
/// </summary>
public sealed record PromotionResult(
    ImageReference Source,
    Digest SourceDigest,
    ImageReference Destination,
    Digest DestinationDigest,
    IReadOnlyList<ManifestCopy> Manifests,
    IReadOnlyList<BlobCopy> Blobs,
    IReadOnlyList<AttachmentCopy> Attachments,
    IReadOnlyList<TagUpdate> Tags,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt)
{
    /// <summary>Blob bytes sent to the destination (layers and configs uploaded); zero when every blob was there or mounted.</summary>
    public long BlobBytesSent => Blobs.Sum(b => b.BytesSent);

    /// <summary>Manifest bytes sent (manifests pushed, tags set included).</summary>
    public long ManifestBytesSent => Manifests.Where(m => m.Outcome == ManifestCopyOutcome.Pushed).Sum(m => m.Size)
        + Tags.Where(t => t.Moved).Sum(t => t.Size) + Attachments.Where(a => a.Previous != a.Digest).Sum(a => a.Size);
}

/// <summary>One blob of the promoted image (or of an attachment) and what became of it in the destination.</summary>
public sealed record BlobCopy(Digest Digest, string MediaType, long Size, BlobCopyOutcome Outcome, long BytesSent);

public enum BlobCopyOutcome
{
    /// <summary>The destination repository had it (HEAD): nothing sent.</summary>
    Skipped,

    /// <summary>Mounted from the source repository of the same registry: nothing sent.</summary>
    Mounted,

    /// <summary>Streamed from the source to the destination.</summary>
    Uploaded,

    /// <summary>A foreign (non-distributable) layer, fetched by runtimes from its URLs: not copied, as Docker and skopeo do not.</summary>
    Foreign,
}

/// <summary>One manifest of the promotion (the image's, an index's children, an attachment's), pushed byte for byte or already there.</summary>
public sealed record ManifestCopy(Digest Digest, string MediaType, long Size, ManifestCopyOutcome Outcome);

public enum ManifestCopyOutcome
{
    /// <summary>The destination had it (and so everything it points at).</summary>
    Existed,

    Pushed,
}

/// <summary>An attachment carried with the image: its tag (e.g. <c>sha256-…sig</c>), the manifest it names, and what the tag named before in the destination.</summary>
public sealed record AttachmentCopy(string Tag, Digest Digest, long Size, Digest? Previous);

/// <summary>A destination tag set by the promotion: <see cref="Previous"/> is what it named before (null: a new tag).</summary>
public sealed record TagUpdate(string Tag, Digest Digest, long Size, Digest? Previous)
{
    public bool Moved => Previous != Digest;
}
