namespace Slipway.Oci.Sbom;

/// <summary>
/// One package an SBOM lists: a name and version as its ecosystem spells them, its purl (which says the ecosystem and,
/// for Debian, the distro, architecture and source package), and every path it was found at — one component for a
/// package found twice (a lock file and its node_modules folder), so a finding or a <c>--uses</c> answer names it once.
/// </summary>
public sealed record SbomComponent(string Name, string Version, PackageUrl Purl, IReadOnlyList<string> Locations)
{
    /// <summary>The component's identity in the SBOM (its bom-ref): the purl, unique once components are merged.</summary>
    public string BomRef => Purl.ToString();

    /// <summary>
    /// The Debian source package and its version (from the purl's <c>upstream</c> qualifier, dpkg's <c>Source:</c>):
    /// what Debian's advisories name. The binary package's own name and version when there is no qualifier.
    /// </summary>
    public (string Name, string Version) Source
    {
        get
        {
            var upstream = Purl.Qualifier("upstream");
            if (string.IsNullOrEmpty(upstream))
            {
                return (Name, Version);
            }

            var at = upstream.IndexOf('@', StringComparison.Ordinal);
            return at < 0 ? (upstream, Version) : (upstream[..at], upstream[(at + 1)..]);
        }
    }
}
