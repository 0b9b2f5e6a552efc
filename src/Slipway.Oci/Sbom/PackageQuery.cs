namespace Slipway.Oci.Sbom;

/// <summary>
/// "Which artifacts carry this package": <c>NAME</c>, <c>NAME@VERSION</c>, or a purl (<c>pkg:npm/lodash@4.17.20</c>,
/// which also pins the ecosystem). A name matches a component's name, or its Debian source package (so
/// <c>openssl</c> finds <c>libssl3</c>); case is ignored, as NuGet and PyPI ignore it. An npm scope is part of the
/// name: <c>@types/node@20.1.0</c>.
/// </summary>
public sealed record PackageQuery(string? Type, string Name, string? Version)
{
    public static PackageQuery Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        text = text.Trim();
        if (text.StartsWith("pkg:", StringComparison.OrdinalIgnoreCase))
        {
            var purl = PackageUrl.Parse(text);
            var name = purl.Type == "npm" && purl.Namespace is not null ? $"{purl.Namespace}/{purl.Name}" : purl.Name;
            return new PackageQuery(purl.Type, name, purl.Version);
        }

        var at = text.LastIndexOf('@');
        return at > 0 ? new PackageQuery(null, text[..at], text[(at + 1)..]) : new PackageQuery(null, text, null);
    }

    public bool Matches(SbomComponent component)
    {
        if (Type is not null && !string.Equals(Type, component.Purl.Type, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var source = component.Source;
        return (Same(Name, component.Name) && (Version is null || Version == component.Version))
            || (component.Purl.Type == "deb" && Same(Name, source.Name) && (Version is null || Version == source.Version));
    }

    public override string ToString() => (Type is null ? "" : Type + ":") + Name + (Version is null ? "" : "@" + Version);

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
