using Slipway.Oci.Sbom;

namespace Slipway.Oci.Vulnerabilities;

/// <summary>
/// Where a component and an advisory meet: the ecosystems Slipway catalogues, how each names packages in OSV, and how
/// each orders versions. An SBOM component is looked up by its purl — Debian packages by their source package and
/// its version (Debian's advisories are per source: <c>openssl</c>, not <c>libssl3</c>), restricted to the
/// component's release (<c>distro=debian-12</c> matches OSV's <c>Debian:12</c>, and an advisory for plain
/// <c>Debian</c>).
/// </summary>
internal sealed record Ecosystem(string Key, IVersionScheme Versions, Func<string, string> NormalizeName)
{
    public static readonly Ecosystem Debian = new("debian", DebianVersion.Scheme, n => n);
    public static readonly Ecosystem Ubuntu = new("ubuntu", DebianVersion.Scheme, n => n);
    public static readonly Ecosystem Npm = new("npm", SemanticVersion.Scheme, n => n);
    public static readonly Ecosystem NuGet = new("nuget", NuGetVersion.Scheme, n => n.ToLowerInvariant());
    public static readonly Ecosystem PyPI = new("pypi", Pep440Version.Scheme, PythonCataloguer.NormalizeName);

    private static readonly Ecosystem[] All = [Debian, Ubuntu, Npm, NuGet, PyPI];

    /// <summary>The ecosystem of an OSV name ("Debian:12", "PyPI") and its release ("12"), or null when Slipway does
    /// not catalogue it.</summary>
    public static (Ecosystem Ecosystem, string? Release)? FromOsv(string name)
    {
        var colon = name.IndexOf(':', StringComparison.Ordinal);
        var key = (colon < 0 ? name : name[..colon]).ToLowerInvariant();
        var release = colon < 0 ? null : name[(colon + 1)..].Split(':')[0];
        return All.FirstOrDefault(e => e.Key == key) is { } ecosystem ? (ecosystem, release) : null;
    }

    /// <summary>What to look a component up by: ecosystem, OSV name, version, and release (Debian's); null for a purl
    /// type Slipway does not match.</summary>
    public static Lookup? ForComponent(SbomComponent component)
    {
        var purl = component.Purl;
        switch (purl.Type)
        {
            case "deb":
                var ecosystem = purl.Namespace == "ubuntu" ? Ubuntu : Debian;
                var distro = purl.Qualifier("distro");
                var release = distro is not null && distro.StartsWith(ecosystem.Key + "-", StringComparison.Ordinal) ? distro[(ecosystem.Key.Length + 1)..] : null;
                var (name, version) = component.Source;
                return new Lookup(ecosystem, name, version, release);
            case "npm":
                return new Lookup(Npm, purl.Namespace is null ? purl.Name : $"{purl.Namespace}/{purl.Name}", component.Version, null);
            case "nuget":
                return new Lookup(NuGet, purl.Name, component.Version, null);
            case "pypi":
                return new Lookup(PyPI, purl.Name, component.Version, null);
            default:
                return null;
        }
    }

    /// <summary>The index key of a package in this ecosystem.</summary>
    public string IndexKey(string name) => $"{Key}/{NormalizeName(name)}";

    internal sealed record Lookup(Ecosystem Ecosystem, string Name, string Version, string? Release)
    {
        public string IndexKey => Ecosystem.IndexKey(Name);
    }
}
