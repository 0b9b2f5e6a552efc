using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Slipway.Oci.Sbom;

/// <summary>
/// Writes an <see cref="BillOfMaterials"/> as CycloneDX 1.5 JSON: bomFormat, specVersion, serialNumber (a urn:uuid), version,
/// metadata (timestamp, the tool as a component — 1.5's form; the array form is deprecated — and the subject as the
/// metadata component: a container with its digest as version, purl and SHA-256 hash), then components of type
/// library, each with its purl as bom-ref and a <c>slipway:location</c> property per path it was found at.
/// Properties are written in one fixed order and components in the SBOM's order, so the same SBOM always gives the
/// same bytes (attached to an image, those bytes get a digest).
/// </summary>
public static class CycloneDxWriter
{
    public const string MediaType = CycloneDx.MediaType;

    public static void Write(BillOfMaterials sbom, Stream output)
    {
        ArgumentNullException.ThrowIfNull(sbom);
        // Relaxed escaping: purls keep their '&' and '+' readable; the document is a file, never embedded in HTML.
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        Write(sbom, json);
    }

    public static byte[] ToBytes(BillOfMaterials sbom)
    {
        using var buffer = new MemoryStream();
        Write(sbom, buffer);
        return buffer.ToArray();
    }

    private static void Write(BillOfMaterials sbom, Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("$schema", CycloneDx.SchemaUri);
        json.WriteString("bomFormat", "CycloneDX");
        json.WriteString("specVersion", CycloneDx.SpecVersion);
        json.WriteString("serialNumber", "urn:uuid:" + sbom.SerialNumber.ToString("D"));
        json.WriteNumber("version", sbom.Version);

        json.WriteStartObject("metadata");
        json.WriteString("timestamp", sbom.Timestamp.UtcDateTime.ToString(CycloneDx.TimestampFormat, CultureInfo.InvariantCulture));
        json.WriteStartObject("tools");
        json.WriteStartArray("components");
        json.WriteStartObject();
        json.WriteString("type", "application");
        json.WriteString("name", sbom.Tool.Name);
        json.WriteString("version", sbom.Tool.Version);
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
        if (sbom.Subject is { } subject)
        {
            WriteSubject(subject, json);
        }

        json.WriteEndObject();

        json.WriteStartArray("components");
        foreach (var component in sbom.Components)
        {
            json.WriteStartObject();
            json.WriteString("type", "library");
            json.WriteString("bom-ref", component.BomRef);
            json.WriteString("name", component.Name);
            json.WriteString("version", component.Version);
            json.WriteString("purl", component.Purl.ToString());
            if (component.Locations.Count > 0)
            {
                json.WriteStartArray("properties");
                foreach (var location in component.Locations)
                {
                    json.WriteStartObject();
                    json.WriteString("name", CycloneDx.LocationProperty);
                    json.WriteString("value", location);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteSubject(SbomSubject subject, Utf8JsonWriter json)
    {
        json.WriteStartObject("component");
        json.WriteString("type", subject.Kind == SbomSubjectKind.Image ? "container" : "application");
        json.WriteString("bom-ref", subject.Purl?.ToString() ?? $"{subject.Name}@{subject.Digest}");
        json.WriteString("name", subject.Name);
        json.WriteString("version", subject.Digest.ToString());
        if (subject.Digest.Algorithm is "sha256" or "sha512")
        {
            json.WriteStartArray("hashes");
            json.WriteStartObject();
            json.WriteString("alg", subject.Digest.Algorithm == "sha256" ? "SHA-256" : "SHA-512");
            json.WriteString("content", subject.Digest.Hex);
            json.WriteEndObject();
            json.WriteEndArray();
        }

        if (subject.Purl is { } purl)
        {
            json.WriteString("purl", purl.ToString());
        }

        json.WriteEndObject();
    }
}
