using System.Globalization;
using System.Text.Json.Nodes;
using Slipway.Server.Supply;

namespace Slipway.Cli.Output;

/// <summary>
/// <c>images</c> in every output format. Without <c>--uses</c>: NAME, DIGEST (short), TAGS, ORIGIN, PACKAGES (how many
/// its SBOM lists; <c>-</c> when it has none yet), AGE; wide shows the whole digest and adds RECORDED and BY. With
/// <c>--uses</c>: APP, ENV, REVISION, RUNNING (stable, rolling out, desired; <c>-</c> for an older revision), PACKAGE,
/// VERSION, IMAGE; wide adds PURL. Names: <c>image/NAME@DIGEST</c>, <c>revision/APP/ENV/N</c>.
/// </summary>
internal static class ImagesOutput
{
    public static ListOutput<ImageView> Images(JsonNode document, IReadOnlyList<ImageView> images, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(images);
        Column<ImageView>[] columns =
        [
            new("NAME", i => i.Name),
            new("DIGEST", i => Short(i.Digest)),
            new("TAGS", i => i.Tags.Count == 0 ? "-" : string.Join(",", i.Tags)),
            new("ORIGIN", i => i.Origin),
            new("PACKAGES", i => i.Packages?.ToString(CultureInfo.InvariantCulture) ?? "-"),
            new("AGE", i => Age.Format(i.RecordedAt, now)),
            new("FULL DIGEST", i => i.Digest, WideOnly: true),
            new("RECORDED", i => Timestamp.Format(i.RecordedAt), WideOnly: true),
            new("BY", i => i.RecordedBy, WideOnly: true),
        ];
        return new ListOutput<ImageView>(document, images, columns, i => $"image/{i.Name}@{i.Digest}", "No images recorded yet: slipway image sbom, scan and promote record the images they read.");
    }

    public static ListOutput<PackageUseView> Uses(JsonNode document, IReadOnlyList<PackageUseView> uses, string query)
    {
        ArgumentNullException.ThrowIfNull(uses);
        Column<PackageUseView>[] columns =
        [
            new("APP", u => u.App),
            new("ENV", u => u.Environment),
            new("REVISION", u => u.Revision.ToString(CultureInfo.InvariantCulture)),
            new("RUNNING", u => u.Running ?? "-"),
            new("PACKAGE", u => u.Package),
            new("VERSION", u => u.Version),
            new("IMAGE", u => $"{u.Image.Split('@')[0]}@{Short(u.Digest)}"),
            new("PURL", u => u.Purl, WideOnly: true),
        ];
        return new ListOutput<PackageUseView>(document, uses, columns, u => $"revision/{u.App}/{u.Environment}/{u.Revision}",
            $"No revision carries {query}: no image with an SBOM that lists it is pinned by a revision (slipway image sbom REF makes an image's SBOM).");
    }

    /// <summary><c>sha256:62c66a7a5dd7…</c>: enough to tell digests apart in a table.</summary>
    public static string Short(string digest) => digest.Length > 19 ? digest[..19] + "…" : digest;
}
