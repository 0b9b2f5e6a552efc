using Slipway.Oci;
using Slipway.Oci.Vulnerabilities;
using Slipway.Server.Images;

namespace Slipway.Server.Supply;

/// <summary>
/// <c>slipway image scan</c>: an image's SBOM (attached, or made and attached) against the advisory database, and with
/// an environment, the verdict its policy would give now — the same verdict a promotion there would get.
/// </summary>
internal sealed class ImageScans(SbomService sboms, AdvisoryDatabase advisories, ImageGate gate, ImagePolicies policies)
{
    public async Task<ScanView> ScanAsync(ImageReference image, string? environment, string actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(image);
        var database = await advisories.GetAsync(ct);
        var sbom = await sboms.GetAsync(image, actor, ct);
        var scan = VulnerabilityScanner.Scan(sbom.Sbom, database.Database);
        var findings = scan.Findings
            .OrderByDescending(f => f.Severity)
            .ThenByDescending(f => f.Rating.Score ?? 0)
            .ThenBy(f => f.Package, StringComparer.Ordinal)
            .ThenBy(f => f.AdvisoryId, StringComparer.Ordinal)
            .ToList();
        var verdict = environment is null ? null : await gate.JudgeAsync(await policies.ForEnvironmentAsync(environment, ct), findings, ct);
        return new ScanView(
            sbom.Image.ToString(),
            sbom.Digest.ToString(),
            sbom.Sbom.Components.Count,
            new AdvisoriesView(database.Path, database.Database.Advisories.Count, database.LoadedAt),
            [.. findings.Select(FindingView.Of)],
            scan.Notes,
            verdict);
    }
}
