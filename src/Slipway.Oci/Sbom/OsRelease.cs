namespace Slipway.Oci.Sbom;

/// <summary>
/// The distribution an image is built on, from <c>/etc/os-release</c> (or <c>/usr/lib/os-release</c>, which it
/// usually links to): <c>ID=debian</c> and <c>VERSION_ID="12"</c> make the purl qualifier <c>distro=debian-12</c>
/// that tells an advisory for Debian 12 from one for Debian 11.
/// </summary>
internal sealed record OsRelease(string Id, string? VersionId)
{
    public static readonly string[] Paths = ["etc/os-release", "usr/lib/os-release"];

    /// <summary>The purl distro qualifier: <c>debian-12</c>, or the id alone when there is no version (sid).</summary>
    public string Distro => VersionId is null ? Id : $"{Id}-{VersionId}";

    public static OsRelease? Find(CollectedFiles files)
    {
        foreach (var path in Paths)
        {
            if (files.TryGet(path, out var content) && Parse(CatalogueBuilder.Text(content)) is { } release)
            {
                return release;
            }
        }

        return null;
    }

    public static OsRelease? Parse(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            values[line[..equals].Trim()] = line[(equals + 1)..].Trim().Trim('"', '\'');
        }

        return values.TryGetValue("ID", out var id) && id.Length > 0
            ? new OsRelease(id.ToLowerInvariant(), values.TryGetValue("VERSION_ID", out var version) && version.Length > 0 ? version : null)
            : null;
    }
}
