using System.Globalization;
using System.Text.Json;

namespace Slipway.Oci.Sbom;

/// <summary>
/// Reads a CycloneDX JSON SBOM back into an <see cref="BillOfMaterials"/>: Slipway's own (to answer "which releases carry
/// PACKAGE@VERSION", to check a stored SBOM against today's advisories) and other tools' (1.4 to 1.6; nested
/// components are flattened; a component without a purl or version is skipped, as nothing can match it). A document
/// that is not CycloneDX fails with the field at fault named.
/// </summary>
public static class CycloneDxReader
{
    public static BillOfMaterials Read(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { AllowTrailingCommas = true });
            using var document = JsonDocument.ParseValue(ref reader);
            return Read(document.RootElement);
        }
        catch (JsonException e)
        {
            throw new FormatException($"the SBOM is not valid JSON: {e.Message}", e);
        }
    }

    public static async Task<BillOfMaterials> ReadAsync(Stream json, CancellationToken ct)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(json, new JsonDocumentOptions { AllowTrailingCommas = true }, ct).ConfigureAwait(false);
            return Read(document.RootElement);
        }
        catch (JsonException e)
        {
            throw new FormatException($"the SBOM is not valid JSON: {e.Message}", e);
        }
    }

    private static BillOfMaterials Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || String(root, "bomFormat") != "CycloneDX")
        {
            throw new FormatException("the SBOM is not CycloneDX: expected bomFormat \"CycloneDX\"");
        }

        var spec = String(root, "specVersion");
        if (spec is not ("1.4" or "1.5" or "1.6"))
        {
            throw new FormatException($"the SBOM's specVersion is {spec ?? "missing"}: expected CycloneDX 1.4, 1.5 or 1.6");
        }

        var serial = Guid.Empty;
        if (String(root, "serialNumber") is { } urn && !(urn.StartsWith("urn:uuid:", StringComparison.Ordinal) && Guid.TryParse(urn[9..], out serial)))
        {
            throw new FormatException($"the SBOM's serialNumber '{urn}' is not urn:uuid:UUID");
        }

        var version = root.TryGetProperty("version", out var v) && v.TryGetInt32(out var n) ? n : 1;
        var timestamp = DateTimeOffset.MinValue;
        SbomTool tool = new("unknown", "");
        SbomSubject? subject = null;
        if (root.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object)
        {
            if (String(metadata, "timestamp") is { } text && !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out timestamp))
            {
                throw new FormatException($"the SBOM's metadata.timestamp '{text}' is not a date-time");
            }

            tool = ReadTool(metadata) ?? tool;
            subject = metadata.TryGetProperty("component", out var component) ? ReadSubject(component) : null;
        }

        var components = new List<SbomComponent>();
        if (root.TryGetProperty("components", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            ReadComponents(list, components);
        }

        return new BillOfMaterials(serial, version, timestamp, tool, subject, components);
    }

    private static void ReadComponents(JsonElement list, List<SbomComponent> into)
    {
        foreach (var element in list.EnumerateArray())
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            if (String(element, "name") is { } name && String(element, "version") is { } version
                && PackageUrl.TryParse(String(element, "purl"), out var purl, out _))
            {
                var locations = new List<string>();
                if (element.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Array)
                {
                    locations.AddRange(properties.EnumerateArray()
                        .Where(p => p.ValueKind == JsonValueKind.Object && String(p, "name") == CycloneDx.LocationProperty)
                        .Select(p => String(p, "value"))
                        .OfType<string>());
                }

                // Other tools write an npm scope as CycloneDX's group; Slipway's name carries it.
                var group = String(element, "group");
                if (purl.Type == "npm" && !string.IsNullOrEmpty(group) && !name.StartsWith('@'))
                {
                    name = $"{group}/{name}";
                }

                into.Add(new SbomComponent(name, version, purl, locations));
            }

            if (element.TryGetProperty("components", out var nested) && nested.ValueKind == JsonValueKind.Array)
            {
                ReadComponents(nested, into);
            }
        }
    }

    private static SbomTool? ReadTool(JsonElement metadata)
    {
        if (!metadata.TryGetProperty("tools", out var tools))
        {
            return null;
        }

        // 1.5's object form { components: [...] }, or the older array form of { vendor, name, version }.
        var first = tools.ValueKind switch
        {
            JsonValueKind.Object when tools.TryGetProperty("components", out var c) && c.ValueKind == JsonValueKind.Array => c.EnumerateArray().FirstOrDefault(),
            JsonValueKind.Array => tools.EnumerateArray().FirstOrDefault(),
            _ => default,
        };
        return first.ValueKind == JsonValueKind.Object && String(first, "name") is { } name ? new SbomTool(name, String(first, "version") ?? "") : null;
    }

    private static SbomSubject? ReadSubject(JsonElement component)
    {
        if (component.ValueKind != JsonValueKind.Object || String(component, "name") is not { } name || !Digest.TryParse(String(component, "version"), out var digest))
        {
            return null;
        }

        return new SbomSubject(String(component, "type") == "container" ? SbomSubjectKind.Image : SbomSubjectKind.Directory, name, digest);
    }

    private static string? String(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
