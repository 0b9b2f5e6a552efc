using System.Text.Json;
using Slipway.Core.Serialization;
using Slipway.Oci.Promotion;
using Slipway.Store;

namespace Slipway.Server.Supply;

/// <summary>
/// A promotion of an image by digest, as recorded: from where to where (with the digest, the same on both sides), in
/// which environment's name, who asked and when, and <see cref="Details"/>: what each blob and manifest became, the
/// bytes sent, every destination tag with what it named before, and the gate's verdict.
/// </summary>
public sealed record PromotionView(
    long Id,
    string Source,
    string SourceDigest,
    string Destination,
    string DestinationDigest,
    string? Environment,
    string Actor,
    DateTimeOffset PromotedAt,
    PromotionDetails? Details)
{
    internal static PromotionView Of(PromotionRecord record) =>
        new(record.Id, record.Source, record.SourceDigest, record.Destination, record.DestinationDigest, record.Environment, record.Actor, record.PromotedAt,
            PromotionDetails.Parse(record.Details));
}

/// <summary>
/// What a promotion did, kept with its record (the store's <c>details</c>): the copy, blob by blob and manifest by
/// manifest, the attachments carried (signature, SBOM), the destination tags — each with the digest it named before,
/// so a tag never moves silently — and the verdict of the environment's policy with the exceptions it used.
/// </summary>
public sealed record PromotionDetails(
    IReadOnlyList<BlobCopy> Blobs,
    IReadOnlyList<ManifestCopy> Manifests,
    IReadOnlyList<AttachmentCopy> Attachments,
    IReadOnlyList<TagUpdate> Tags,
    long BlobBytesSent,
    long ManifestBytesSent,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    GateVerdict? Verdict)
{
    internal static PromotionDetails Of(PromotionResult result, GateVerdict? verdict) =>
        new(result.Blobs, result.Manifests, result.Attachments, result.Tags, result.BlobBytesSent, result.ManifestBytesSent, result.StartedAt, result.FinishedAt, verdict);

    internal string ToJson() => JsonSerializer.Serialize(this, SlipwayJson.Options);

    internal static PromotionDetails? Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<PromotionDetails>(json, SlipwayJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// <c>POST /api/v1/images/promote</c>: copy <see cref="Image"/> (a tag or a digest) by digest to <see cref="To"/>
/// (<c>REGISTRY/NAME[:TAG]</c>), setting <see cref="Tags"/> too; with <see cref="Environment"/>, only when that
/// environment's image policy allows it.
/// </summary>
public sealed record PromoteRequest(
    string? Image = null,
    string? To = null,
    string? Environment = null,
    IReadOnlyList<string>? Tags = null,
    string? Actor = null);
