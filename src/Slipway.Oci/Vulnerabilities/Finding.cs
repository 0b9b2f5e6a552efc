using Slipway.Oci.Sbom;

namespace Slipway.Oci.Vulnerabilities;

/// <summary>
/// A package of an SBOM that an advisory affects: the package and version as the SBOM lists them, the advisory (id,
/// aliases such as its CVE, summary), its severity, and the lowest version that fixes it (null when the advisory
/// knows none). One finding per package and advisory, however many ranges matched.
/// </summary>
public sealed record Finding(SbomComponent Component, OsvAdvisory Advisory, Rating Rating, string? FixedVersion)
{
    public string Package => Component.Name;

    public string Version => Component.Version;

    public string AdvisoryId => Advisory.Id;

    public Severity Severity => Rating.Severity;

    /// <summary>"libssl3 3.0.11-1~deb12u2 (source openssl): DSA-5678-1 critical (9.8), fixed in 3.0.13-1~deb12u1".</summary>
    public override string ToString()
    {
        var source = Component.Source;
        var from = Component.Purl.Type == "deb" && source.Name != Component.Name ? $" (source {source.Name})" : "";
        var fix = FixedVersion is null ? "no fixed version known" : $"fixed in {FixedVersion}";
        return $"{Package} {Version}{from}: {AdvisoryId} {Rating}, {fix}";
    }
}
