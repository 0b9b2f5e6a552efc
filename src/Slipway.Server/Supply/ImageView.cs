using System.Text.Json;
using System.Text.Json.Nodes;
using Slipway.Store;

namespace Slipway.Server.Supply;

/// <summary>
/// An image Slipway recorded, by digest: its repository, the tags it was seen under, how Slipway came to know it
/// (<c>sbom</c>, <c>promotion</c>, <c>build</c>, <c>apply</c>), when and by whom, how many packages its SBOM lists (null
/// when Slipway has not made one), and the server's details (SBOM summary, promotion).
/// </summary>
public sealed record ImageView(
    string Name,
    string Digest,
    IReadOnlyList<string> Tags,
    string Origin,
    DateTimeOffset RecordedAt,
    string RecordedBy,
    int? Packages,
    JsonNode? Details)
{
    internal static ImageView Of(ImageRecord record, int? packages) =>
        new(record.Name, record.Digest, record.Tags, record.Origin, record.RecordedAt, record.RecordedBy, packages, Parse(record.Details));

    private static JsonNode? Parse(string details)
    {
        try
        {
            return JsonNode.Parse(details);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// One answer to "which apps carry this package": an app's revision in an environment whose image's SBOM lists it, and
/// whether that revision runs now (<see cref="Running"/>: <c>stable</c>, <c>rolling out</c> — a canary's, say — or
/// <c>desired</c> — applied, not yet running; null for an older revision kept for rollback).
/// </summary>
public sealed record PackageUseView(
    string App,
    string Environment,
    int Revision,
    string Image,
    string Digest,
    string Ecosystem,
    string Package,
    string Version,
    string Purl,
    string? Running);
