using Slipway.Oci.Registry;

namespace Slipway.Oci.Promotion;

/// <summary>
/// Promotes an image by digest: copies it from its repository to another one, of the same registry or another, so
/// that the destination holds byte-identical manifests — the same digest, never a rebuild. Only what is missing is
/// sent: a blob the destination has is skipped (HEAD), one in the same registry is mounted from the source
/// repository, and the rest are streamed from source to destination (never held whole in memory). An index's
/// manifests go before the index, a manifest's blobs before the manifest, the image's attachments (cosign's
/// signature, attestations, SBOM) after it, and the destination tags last, once everything they name is there.
/// </summary>
/// <remarks>
/// Every step is idempotent: a promotion interrupted and run again finds what it already copied and skips it.
/// Attachment tags are set to the source's manifests; an attachment the destination had under the same tag is
/// replaced (the record says so), since the source is where Slipway signs.
/// </remarks>
public sealed class ImagePromotion(RegistryClient registry, TimeProvider? time = null)
{
    private readonly TimeProvider clock = time ?? TimeProvider.System;

    /// <summary>
    /// Copies <paramref name="source"/> (a tag or a digest) to <paramref name="destination"/>'s repository, then sets
    /// the destination's tag (if it has one) and <see cref="PromotionOptions.Tags"/>.
    /// </summary>
    public async Task<PromotionResult> PromoteAsync(ImageReference source, ImageReference destination, PromotionOptions? options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        options ??= new PromotionOptions();
        var startedAt = clock.GetUtcNow();
        var image = await registry.GetManifestAsync(source, ct).ConfigureAwait(false);
        if (destination.Digest is { } named && named != image.Digest)
        {
            throw new ArgumentException($"the destination {destination} names digest {named}, but {source} is {image.Digest}: a promotion keeps the digest", nameof(destination));
        }

        var run = new Run(registry, source with { Tag = null, Digest = null }, destination with { Tag = null, Digest = null });
        await run.CopyManifestAsync(image, ct).ConfigureAwait(false);

        var attachments = new List<AttachmentCopy>();
        if (options.CarryAttachments)
        {
            foreach (var suffix in options.AttachmentTagSuffixes)
            {
                if (await run.CopyAttachmentAsync($"{image.Digest.Algorithm}-{image.Digest.Hex}{suffix}", ct).ConfigureAwait(false) is { } attachment)
                {
                    attachments.Add(attachment);
                }
            }
        }

        var tags = new List<TagUpdate>();
        foreach (var tag in new[] { destination.Tag }.Concat(options.Tags).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            var previous = await run.TagAsync(tag, image, ct).ConfigureAwait(false);
            tags.Add(new TagUpdate(tag, image.Digest, image.Size, previous));
        }

        return new PromotionResult(source, image.Digest, destination with { Digest = image.Digest }, image.Digest,
            run.Manifests, run.Blobs, attachments, tags, startedAt, clock.GetUtcNow());
    }

    /// <summary>One promotion's state: what was copied already, so that a blob shared by manifests is handled once.</summary>
    private sealed class Run(RegistryClient registry, ImageReference source, ImageReference destination)
    {
        private readonly Dictionary<Digest, BlobCopy> blobs = [];
        private readonly Dictionary<Digest, ManifestCopy> manifests = [];

        public IReadOnlyList<BlobCopy> Blobs => [.. blobs.Values];

        public IReadOnlyList<ManifestCopy> Manifests => [.. manifests.Values];

        private bool SameRegistry => string.Equals(source.Registry, destination.Registry, StringComparison.OrdinalIgnoreCase);

        public async Task CopyManifestAsync(Manifest manifest, CancellationToken ct)
        {
            if (manifests.ContainsKey(manifest.Digest))
            {
                return;
            }

            if (await registry.HeadManifestAsync(destination.WithDigest(manifest.Digest), ct).ConfigureAwait(false) is not null)
            {
                // A registry accepts a manifest only when what it points at is there: nothing below it to copy.
                manifests[manifest.Digest] = new ManifestCopy(manifest.Digest, manifest.MediaType, manifest.Size, ManifestCopyOutcome.Existed);
                return;
            }

            if (manifest.IsIndex)
            {
                foreach (var child in manifest.ParseIndex().Manifests)
                {
                    var childManifest = await registry.GetManifestAsync(source.WithDigest(child.Digest), ct).ConfigureAwait(false);
                    await CopyManifestAsync(childManifest, ct).ConfigureAwait(false);
                }
            }
            else
            {
                foreach (var blob in manifest.ParseImage().Blobs)
                {
                    await CopyBlobAsync(blob, ct).ConfigureAwait(false);
                }
            }

            await registry.PutManifestAsync(destination.WithDigest(manifest.Digest), manifest, ct).ConfigureAwait(false);
            manifests[manifest.Digest] = new ManifestCopy(manifest.Digest, manifest.MediaType, manifest.Size, ManifestCopyOutcome.Pushed);
        }

        /// <summary>Copies the manifest <paramref name="tag"/> names in the source, if it names one, and sets the tag in the destination.</summary>
        public async Task<AttachmentCopy?> CopyAttachmentAsync(string tag, CancellationToken ct)
        {
            if (await registry.HeadManifestAsync(source with { Tag = tag }, ct).ConfigureAwait(false) is not { } found)
            {
                return null;
            }

            var attachment = await registry.GetManifestAsync(source.WithDigest(found.Digest), ct).ConfigureAwait(false);
            await CopyManifestAsync(attachment, ct).ConfigureAwait(false);
            var previous = await TagAsync(tag, attachment, ct).ConfigureAwait(false);
            return new AttachmentCopy(tag, attachment.Digest, attachment.Size, previous);
        }

        /// <summary>Points <paramref name="tag"/> at <paramref name="manifest"/> in the destination; returns what it named before.</summary>
        public async Task<Digest?> TagAsync(string tag, Manifest manifest, CancellationToken ct)
        {
            var previous = (await registry.HeadManifestAsync(destination with { Tag = tag }, ct).ConfigureAwait(false))?.Digest;
            if (previous != manifest.Digest)
            {
                await registry.PutManifestAsync(destination with { Tag = tag }, manifest, ct).ConfigureAwait(false);
            }

            return previous;
        }

        private async Task CopyBlobAsync(Descriptor blob, CancellationToken ct)
        {
            if (blobs.ContainsKey(blob.Digest))
            {
                return;
            }

            blobs[blob.Digest] = await CopyAsync(blob, ct).ConfigureAwait(false);
        }

        private async Task<BlobCopy> CopyAsync(Descriptor blob, CancellationToken ct)
        {
            if (blob.Urls is { Count: > 0 } && (blob.MediaType.Contains("foreign", StringComparison.Ordinal) || blob.MediaType.Contains("nondistributable", StringComparison.Ordinal)))
            {
                return new BlobCopy(blob.Digest, blob.MediaType, blob.Size, BlobCopyOutcome.Foreign, 0);
            }

            if (await registry.BlobExistsAsync(destination, blob.Digest, ct).ConfigureAwait(false))
            {
                return new BlobCopy(blob.Digest, blob.MediaType, blob.Size, BlobCopyOutcome.Skipped, 0);
            }

            var mountFrom = SameRegistry && source.Repository != destination.Repository ? source.Repository : null;
            var start = await registry.StartUploadAsync(destination, blob.Digest, mountFrom, ct).ConfigureAwait(false);
            if (start.Mounted)
            {
                return new BlobCopy(blob.Digest, blob.MediaType, blob.Size, BlobCopyOutcome.Mounted, 0);
            }

            await using var content = await registry.OpenBlobAsync(source, blob.Digest, blob.Size, ct).ConfigureAwait(false);
            var sent = await registry.UploadAsync(destination, start.Session!, blob.Digest, blob.Size, content, ct).ConfigureAwait(false);
            return new BlobCopy(blob.Digest, blob.MediaType, blob.Size, BlobCopyOutcome.Uploaded, sent);
        }
    }
}
