using Slipway.Oci.Vulnerabilities;

namespace Slipway.Server.Supply;

/// <summary>
/// One finding as the API shows it: the package and version the SBOM lists (and its Debian source package, which is
/// what Debian's advisories name), the advisory with its aliases, the severity and CVSS score, the version that fixes
/// it, and the same in one line (<see cref="Text"/>), as refusals print it.
/// </summary>
public sealed record FindingView(
    string Package,
    string Version,
    string? SourcePackage,
    string Purl,
    string Advisory,
    IReadOnlyList<string> Aliases,
    string Severity,
    double? Score,
    string? FixedIn,
    string? Summary,
    string Text)
{
    internal static FindingView Of(Finding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        var source = finding.Component.Source.Name;
        return new FindingView(
            finding.Package,
            finding.Version,
            source == finding.Package ? null : source,
            finding.Component.Purl.ToString(),
            finding.AdvisoryId,
            finding.Advisory.Aliases,
            finding.Severity.Word(),
            finding.Rating.Score,
            finding.FixedVersion,
            finding.Advisory.Summary,
            finding.ToString());
    }
}
