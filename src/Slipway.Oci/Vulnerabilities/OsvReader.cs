using System.Text.Json;

namespace Slipway.Oci.Vulnerabilities;

/// <summary>
/// Parses one OSV JSON document. Reads id, aliases, summary, withdrawn, affected[] (package ecosystem/name/purl,
/// ranges with their events, versions), and the rating: the highest CVSS v3 base score among <c>severity[]</c>
/// (the advisory's, or the affected package's), else the word in <c>database_specific.severity</c> (GitHub's
/// advisories), else unknown. Unknown fields are ignored, as the schema asks of readers.
/// </summary>
internal static class OsvReader
{
    /// <summary>The advisory in <paramref name="json"/>, null when it is withdrawn; a document that is not an OSV
    /// advisory fails with the field at fault named.</summary>
    public static OsvAdvisory? Read(ReadOnlyMemory<byte> json, string file)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new FormatException($"{file}: not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || String(root, "id") is not { Length: > 0 } id)
            {
                throw new FormatException($"{file}: not an OSV advisory: expected an object with an \"id\"");
            }

            if (String(root, "withdrawn") is not null)
            {
                return null;
            }

            var rating = RatingOf(root, file) ?? Rating.Unknown;
            var affected = new List<OsvAffected>();
            if (root.TryGetProperty("affected", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                var index = 0;
                foreach (var element in list.EnumerateArray())
                {
                    if (ReadAffected(element, $"{file}: affected[{index}]") is { } one)
                    {
                        affected.Add(one with { Rating = RatingOf(element, file) ?? rating });
                    }

                    index++;
                }
            }

            var aliases = root.TryGetProperty("aliases", out var a) && a.ValueKind == JsonValueKind.Array
                ? a.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList()
                : [];
            return new OsvAdvisory(id, aliases, String(root, "summary"), affected, rating, file);
        }
    }

    private static OsvAffected? ReadAffected(JsonElement element, string at)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("package", out var package) || package.ValueKind != JsonValueKind.Object)
        {
            return null; // an advisory about something other than a package (a git repository only)
        }

        var ecosystem = String(package, "ecosystem");
        var name = String(package, "name");
        if (string.IsNullOrEmpty(ecosystem) || string.IsNullOrEmpty(name))
        {
            throw new FormatException($"{at}.package: expected an ecosystem and a name");
        }

        var ranges = new List<OsvRange>();
        if (element.TryGetProperty("ranges", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var range in list.EnumerateArray())
            {
                var type = String(range, "type");
                if (type is "ECOSYSTEM" or "SEMVER") // GIT ranges name commits, which an SBOM does not have
                {
                    ranges.Add(new OsvRange(type == "SEMVER" ? OsvRangeType.Semver : OsvRangeType.Ecosystem, ReadEvents(range, $"{at}.ranges[{index}]")));
                }

                index++;
            }
        }

        var versions = element.TryGetProperty("versions", out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList()
            : [];
        return new OsvAffected(new OsvPackage(ecosystem, name, String(package, "purl")), ranges, versions, Rating.Unknown);
    }

    private static List<OsvEvent> ReadEvents(JsonElement range, string at)
    {
        if (!range.TryGetProperty("events", out var events) || events.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"{at}: expected \"events\"");
        }

        var result = new List<OsvEvent>();
        foreach (var element in events.EnumerateArray())
        {
            OsvEvent? one = null;
            foreach (var (key, kind) in EventKinds)
            {
                if (String(element, key) is { } version)
                {
                    one = new OsvEvent(kind, version);
                    break;
                }
            }

            result.Add(one ?? throw new FormatException($"{at}.events[{result.Count}]: expected introduced, fixed, last_affected or limit"));
        }

        return result;
    }

    private static readonly (string Key, OsvEventKind Kind)[] EventKinds =
    [
        ("introduced", OsvEventKind.Introduced),
        ("fixed", OsvEventKind.Fixed),
        ("last_affected", OsvEventKind.LastAffected),
        ("limit", OsvEventKind.Limit),
    ];

    /// <summary>The rating an element (the advisory, or an affected package) carries itself, or null.</summary>
    private static Rating? RatingOf(JsonElement element, string file)
    {
        double? best = null;
        if (element.TryGetProperty("severity", out var severities) && severities.ValueKind == JsonValueKind.Array)
        {
            foreach (var severity in severities.EnumerateArray())
            {
                if (String(severity, "type") is "CVSS_V3" && String(severity, "score") is { } vector)
                {
                    if (!CvssV3.TryBaseScore(vector, out var score, out var error))
                    {
                        throw new FormatException($"{file}: severity: {error}");
                    }

                    best = Math.Max(best ?? 0, score);
                }
            }
        }

        if (best is { } found)
        {
            return new Rating(Severities.FromScore(found), found);
        }

        foreach (var section in (string[])["database_specific", "ecosystem_specific"])
        {
            if (element.TryGetProperty(section, out var specific) && specific.ValueKind == JsonValueKind.Object
                && Severities.FromWord(String(specific, "severity")) is { } word)
            {
                return new Rating(word, null);
            }
        }

        return null;
    }

    private static string? String(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
