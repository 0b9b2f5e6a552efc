using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Slipway.Oci.Promotion;
using Slipway.Server.Supply;

namespace Slipway.Cli.Output;

/// <summary>
/// <c>image promote</c>: what was copied, blob by blob (uploaded, mounted, skipped, with the bytes sent), the attachments
/// carried, every destination tag with what it named before — a tag never moves silently — the bytes sent, the
/// environment's verdict, and the record. Names: <c>promotion/ID</c>.
/// </summary>
internal sealed class PromotionOutput(JsonNode document, PromotionView promotion) : IPrintable
{
    public JsonNode Document => document;

    public string? EmptyMessage => null;

    public IEnumerable<string> Names() => [$"promotion/{promotion.Id}"];

    public string Text(bool wide)
    {
        var text = new StringBuilder();
        text.Append("source      ").Append(promotion.Source).Append("  ").Append(promotion.SourceDigest).Append('\n');
        text.Append("destination ").Append(promotion.Destination).Append('\n');
        if (promotion.Details is { } details)
        {
            var rows = new List<IReadOnlyList<string>>();
            foreach (var blob in details.Blobs)
            {
                var kind = Kind(blob.MediaType);
                rows.Add([$"  {kind}", wide ? blob.Digest.ToString() : ImagesOutput.Short(blob.Digest.ToString()), Bytes(blob.Size), Outcome(blob.Outcome), Bytes(blob.BytesSent)]);
            }

            var widths = Enumerable.Range(0, 5).Select(i => rows.Count == 0 ? 0 : rows.Max(r => r[i].Length)).ToArray();
            foreach (var row in rows)
            {
                text.AppendJoin("  ", row.Select((cell, i) => i == row.Count - 1 ? cell : cell.PadRight(widths[i]))).Append('\n');
            }

            foreach (var attachment in details.Attachments)
            {
                text.Append("  attachment ").Append(attachment.Tag).Append(attachment.Previous is null ? " (new)" : attachment.Previous == attachment.Digest ? " (there already)" : $" (replaced {ImagesOutput.Short(attachment.Previous.ToString())})").Append('\n');
            }

            var width = details.Tags.Count == 0 ? 0 : details.Tags.Max(t => t.Tag.Length);
            foreach (var tag in details.Tags)
            {
                var before = tag.Previous is null ? "(new)" : !tag.Moved ? "(unchanged)" : $"{ImagesOutput.Short(tag.Previous.ToString())} (moved)";
                text.Append("  tag ").Append(tag.Tag.PadRight(width)).Append(' ').Append(before).Append(" -> ").Append(ImagesOutput.Short(tag.Digest.ToString())).Append('\n');
            }

            text.Append(CultureInfo.InvariantCulture, $"blob bytes sent: {details.BlobBytesSent}\n");
            if (details.Verdict is { } verdict)
            {
                text.Append(VerdictText.Describe(verdict)).Append('\n');
            }
        }

        text.Append(CultureInfo.InvariantCulture, $"promotion {promotion.Id} recorded: by {promotion.Actor} at {Timestamp.Format(promotion.PromotedAt)}")
            .Append(promotion.Environment is { } env ? $", for {env}" : "").Append('\n');
        return text.ToString();
    }

    /// <summary>What a blob is to a reader: the image's config and layers, and the blobs of its attachments (SBOM, signatures).</summary>
    private static string Kind(string mediaType) =>
        mediaType.Contains("cyclonedx", StringComparison.OrdinalIgnoreCase) || mediaType.Contains("spdx", StringComparison.OrdinalIgnoreCase) ? "sbom"
        : mediaType.Contains("simplesigning", StringComparison.OrdinalIgnoreCase) ? "signature"
        : mediaType.Contains("config", StringComparison.Ordinal) || mediaType == "application/vnd.oci.empty.v1+json" ? "config"
        : "layer";

    private static string Outcome(BlobCopyOutcome outcome) => outcome.ToString().ToLowerInvariant();

    private static string Bytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes} B");
}

/// <summary>
/// <c>image promotions</c>: ID, SOURCE, DESTINATION (with the digest, short), ENV, BY, AGE; wide adds SENT (blob bytes)
/// and PROMOTED (the time). Names: <c>promotion/ID</c>.
/// </summary>
internal static class PromotionsOutput
{
    public static ListOutput<PromotionView> Create(JsonNode document, IReadOnlyList<PromotionView> promotions, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(promotions);
        Column<PromotionView>[] columns =
        [
            new("ID", p => p.Id.ToString(CultureInfo.InvariantCulture)),
            new("SOURCE", p => p.Source),
            new("DESTINATION", p => $"{p.Destination.Split('@')[0]}@{ImagesOutput.Short(p.DestinationDigest)}"),
            new("ENV", p => p.Environment ?? "-"),
            new("BY", p => p.Actor),
            new("AGE", p => Age.Format(p.PromotedAt, now)),
            new("SENT", p => p.Details is { } d ? string.Create(CultureInfo.InvariantCulture, $"{d.BlobBytesSent} B") : "-", WideOnly: true),
            new("PROMOTED", p => Timestamp.Format(p.PromotedAt), WideOnly: true),
        ];
        return new ListOutput<PromotionView>(document, promotions, columns, p => $"promotion/{p.Id}", "No promotions recorded.");
    }
}
