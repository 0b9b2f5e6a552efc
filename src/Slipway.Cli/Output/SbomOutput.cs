using System.Text;
using System.Text.Json.Nodes;
using Slipway.Server.Supply;

namespace Slipway.Cli.Output;

/// <summary>
/// <c>image sbom</c>. Text: a line saying which image and whether the SBOM was attached already or made now, then the
/// packages (ECOSYSTEM, NAME, VERSION; wide adds PURL and LOCATIONS), then what could not be read. JSON and YAML: the
/// CycloneDX 1.5 document itself, as attached (<c>-o json &gt; sbom.json</c> gives a file any CycloneDX tool reads).
/// Names: the purls.
/// </summary>
internal sealed class SbomOutput(SbomView sbom) : IPrintable
{
    public JsonNode Document => sbom.Sbom;

    public string? EmptyMessage => null;

    public IEnumerable<string> Names() => sbom.Components.Select(c => c.Purl);

    public string Text(bool wide)
    {
        var text = new StringBuilder();
        var how = sbom.Reused ? "attached already" : "made now and attached";
        text.Append("SBOM of ").Append(sbom.Image).Append(": ").Append(sbom.Components.Count).Append(sbom.Components.Count == 1 ? " package" : " packages")
            .Append(" (").Append(how).Append(" as ").Append(sbom.Tag).Append(sbom.Platform is { } p ? $"; read from the linux/amd64 image {p}" : "").Append(")\n");
        if (sbom.Components.Count > 0)
        {
            text.Append('\n');
            var headers = wide ? new[] { "ECOSYSTEM", "NAME", "VERSION", "PURL", "LOCATIONS" } : ["ECOSYSTEM", "NAME", "VERSION"];
            text.Append(TextTable.Render(headers, sbom.Components.Select(c => (IReadOnlyList<string>)(wide
                ? [c.Ecosystem, c.Name, c.Version, c.Purl, string.Join(",", c.Locations)]
                : [c.Ecosystem, c.Name, c.Version]))));
        }

        foreach (var note in sbom.Notes)
        {
            text.Append("note: ").Append(note).Append('\n');
        }

        return text.ToString();
    }
}
