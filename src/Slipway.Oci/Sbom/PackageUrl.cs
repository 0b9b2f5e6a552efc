using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Slipway.Oci.Sbom;

/// <summary>
/// A package URL (purl, https://github.com/package-url/purl-spec): <c>pkg:type/namespace/name@version?qualifiers</c>,
/// the one identifier SBOM tools, OSV advisories and registries agree on. Slipway writes it in canonical form —
/// lowercase type, qualifiers sorted by key, every character outside <c>A-Z a-z 0-9 . - _ ~ :</c> percent-encoded (and '/' in qualifier values)
/// (so a Debian version's '+' is <c>%2B</c> and an npm scope's '@' is <c>%40</c>) — so two purls of the same package
/// compare equal as strings.
/// </summary>
public sealed record PackageUrl
{
    public PackageUrl(string type, string? @namespace, string name, string? version, IEnumerable<KeyValuePair<string, string>>? qualifiers = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentException.ThrowIfNullOrEmpty(name);
        Type = type.ToLowerInvariant();
        Namespace = string.IsNullOrEmpty(@namespace) ? null : @namespace;
        Name = name;
        Version = string.IsNullOrEmpty(version) ? null : version;
        Qualifiers = new SortedDictionary<string, string>(
            (qualifiers ?? []).Where(q => !string.IsNullOrEmpty(q.Value)).ToDictionary(q => q.Key.ToLowerInvariant(), q => q.Value, StringComparer.Ordinal),
            StringComparer.Ordinal);
    }

    /// <summary>The package type: deb, npm, nuget, pypi, oci …</summary>
    public string Type { get; }

    /// <summary>The namespace: the distro for deb, the scope (with its '@') for npm; none for nuget and pypi.</summary>
    public string? Namespace { get; }

    public string Name { get; }

    public string? Version { get; }

    /// <summary>Qualifiers by key, in key order (arch, distro, upstream for deb).</summary>
    public IReadOnlyDictionary<string, string> Qualifiers { get; }

    /// <summary>The qualifier <paramref name="key"/>, or null.</summary>
    public string? Qualifier(string key) => Qualifiers.TryGetValue(key, out var value) ? value : null;

    public static PackageUrl Parse(string text) =>
        TryParse(text, out var purl, out var error) ? purl : throw new FormatException(error);

    /// <summary>Parses a purl; on failure <paramref name="error"/> says what was expected. A subpath is dropped.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out PackageUrl? purl, [NotNullWhen(false)] out string? error)
    {
        purl = null;
        if (text is null || !text.StartsWith("pkg:", StringComparison.OrdinalIgnoreCase))
        {
            error = $"'{text}' is not a package URL: expected pkg:TYPE/NAME@VERSION";
            return false;
        }

        var rest = text[4..].TrimStart('/');
        var hash = rest.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            rest = rest[..hash];
        }

        var qualifiers = new List<KeyValuePair<string, string>>();
        var question = rest.IndexOf('?', StringComparison.Ordinal);
        if (question >= 0)
        {
            foreach (var pair in rest[(question + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                {
                    error = $"'{text}': qualifier '{pair}' is not KEY=VALUE";
                    return false;
                }

                qualifiers.Add(new(pair[..equals], Decode(pair[(equals + 1)..])));
            }

            rest = rest[..question];
        }

        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            error = $"'{text}' is not a package URL: expected pkg:TYPE/NAME@VERSION";
            return false;
        }

        var type = rest[..slash];
        rest = rest[(slash + 1)..].Trim('/');
        string? version = null;
        var at = rest.LastIndexOf('@');
        if (at > rest.LastIndexOf('/'))
        {
            version = Decode(rest[(at + 1)..]);
            rest = rest[..at];
        }

        var lastSlash = rest.LastIndexOf('/');
        var name = Decode(rest[(lastSlash + 1)..]);
        var ns = lastSlash < 0 ? null : string.Join('/', rest[..lastSlash].Split('/').Select(Decode));
        if (name.Length == 0)
        {
            error = $"'{text}' has no package name: expected pkg:TYPE/NAME@VERSION";
            return false;
        }

        purl = new PackageUrl(type, ns, name, version, qualifiers);
        error = null;
        return true;
    }

    public bool Equals(PackageUrl? other) => other is not null && ToString() == other.ToString();

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToString());

    public override string ToString()
    {
        var text = new StringBuilder("pkg:").Append(Type).Append('/');
        if (Namespace is not null)
        {
            text.AppendJoin('/', Namespace.Split('/').Select(part => Encode(part))).Append('/');
        }

        text.Append(Encode(Name));
        if (Version is not null)
        {
            text.Append('@').Append(Encode(Version));
        }

        var separator = '?';
        foreach (var (key, value) in Qualifiers)
        {
            text.Append(separator).Append(key).Append('=').Append(Encode(value, keepSlash: true));
            separator = '&';
        }

        return text.ToString();
    }

    /// <summary>Percent-encodes all but unreserved characters and ':'; a qualifier value keeps its '/'
    /// (<c>repository_url=localhost:5000/team/web</c>, as the purl-spec's oci examples write it).</summary>
    private static string Encode(string value, bool keepSlash = false)
    {
        var text = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')
                or (byte)'.' or (byte)'-' or (byte)'_' or (byte)'~' or (byte)':' || (keepSlash && b == (byte)'/'))
            {
                text.Append((char)b);
            }
            else
            {
                text.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return text.ToString();
    }

    private static string Decode(string value) => Uri.UnescapeDataString(value);
}
