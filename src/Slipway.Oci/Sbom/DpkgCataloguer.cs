namespace Slipway.Oci.Sbom;

/// <summary>
/// Debian packages, from dpkg's database: <c>/var/lib/dpkg/status</c> (a stanza per package; only those whose Status
/// ends "installed" count — a removed package leaves a "deinstall ok config-files" stanza behind) and the files of
/// <c>/var/lib/dpkg/status.d/</c> (distroless images: a stanza per file, no Status). Each package becomes
/// <c>pkg:deb/debian/NAME@VERSION?arch=ARCH&amp;distro=debian-12</c>, with <c>upstream=SOURCE[@VERSION]</c> when it was
/// built from a differently named or versioned source package — Debian's advisories name source packages.
/// </summary>
internal sealed class DpkgCataloguer : ICataloguer
{
    private const string Status = "var/lib/dpkg/status";
    private const string StatusDirectory = "var/lib/dpkg/status.d/";

    public bool Wants(string path) =>
        path == Status
        || (path.StartsWith(StatusDirectory, StringComparison.Ordinal) && !path.EndsWith(".md5sums", StringComparison.Ordinal) && path.IndexOf('/', StatusDirectory.Length) < 0)
        || OsRelease.Paths.Contains(path);

    public void Catalogue(CollectedFiles files, CatalogueBuilder into)
    {
        var release = OsRelease.Find(files);
        foreach (var path in files.Paths.Where(p => p == Status || p.StartsWith(StatusDirectory, StringComparison.Ordinal)))
        {
            files.TryGet(path, out var content);
            foreach (var stanza in Stanzas(CatalogueBuilder.Text(content)))
            {
                if (!stanza.TryGetValue("Package", out var name) || !stanza.TryGetValue("Version", out var version))
                {
                    into.Note($"/{path}: a stanza without Package or Version: skipped");
                    continue;
                }

                if (stanza.TryGetValue("Status", out var status) && !status.EndsWith(" installed", StringComparison.Ordinal))
                {
                    continue;
                }

                into.Add(name, version, Purl(name, version, stanza.GetValueOrDefault("Architecture"), stanza.GetValueOrDefault("Source"), release), path);
            }
        }
    }

    /// <summary>The purl of a package; <paramref name="source"/> is dpkg's Source field, "NAME" or "NAME (VERSION)".</summary>
    public static PackageUrl Purl(string name, string version, string? architecture, string? source, OsRelease? release)
    {
        string? upstream = null;
        if (!string.IsNullOrWhiteSpace(source))
        {
            var open = source.IndexOf('(', StringComparison.Ordinal);
            var sourceName = (open < 0 ? source : source[..open]).Trim();
            var sourceVersion = open < 0 ? null : source[(open + 1)..].TrimEnd(')', ' ').Trim();
            upstream = sourceVersion is not null && sourceVersion != version ? $"{sourceName}@{sourceVersion}"
                : sourceName != name ? sourceName
                : null;
        }

        return new PackageUrl("deb", release?.Id ?? "debian", name, version,
        [
            new("arch", architecture ?? ""),
            new("distro", release?.Distro ?? ""),
            new("upstream", upstream ?? ""),
        ]);
    }

    /// <summary>RFC 822-style stanzas separated by blank lines; continuation lines (leading space) are dropped,
    /// as only single-line fields are read.</summary>
    private static IEnumerable<Dictionary<string, string>> Stanzas(string text)
    {
        var stanza = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0)
            {
                if (stanza.Count > 0)
                {
                    yield return stanza;
                    stanza = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                }

                continue;
            }

            if (line[0] is ' ' or '\t')
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                stanza[line[..colon]] = line[(colon + 1)..].Trim();
            }
        }

        if (stanza.Count > 0)
        {
            yield return stanza;
        }
    }
}
