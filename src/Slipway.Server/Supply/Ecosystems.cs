using Slipway.Oci.Sbom;

namespace Slipway.Server.Supply;

/// <summary>The ecosystem of a package as OSV names it (what the store's <c>image_packages</c> keeps), from its purl.</summary>
internal static class Ecosystems
{
    public static string Of(PackageUrl purl)
    {
        ArgumentNullException.ThrowIfNull(purl);
        return purl.Type switch
        {
            "deb" => string.Equals(purl.Namespace, "ubuntu", StringComparison.OrdinalIgnoreCase) ? "Ubuntu" : "Debian",
            "npm" => "npm",
            "pypi" => "PyPI",
            "nuget" => "NuGet",
            var other => other,
        };
    }

    /// <summary>The purl type a query's ecosystem word names (<c>deb</c>, <c>debian</c>, <c>npm</c> …), for filtering uses.</summary>
    public static bool Matches(string? type, string ecosystem) =>
        type is null || type.ToLowerInvariant() switch
        {
            "deb" or "debian" => ecosystem is "Debian" or "Ubuntu",
            "ubuntu" => ecosystem == "Ubuntu",
            var t => string.Equals(t, ecosystem, StringComparison.OrdinalIgnoreCase),
        };
}
