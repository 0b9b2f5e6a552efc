namespace Slipway.Oci.Sbom;

/// <summary>
/// The files the cataloguers asked for, as they are in the final filesystem (after every layer and whiteout), by path
/// relative to the root with '/' separators and no leading '/': <c>var/lib/dpkg/status</c>. Only these are kept in
/// memory — an image's filesystem is never written out — and <see cref="Notes"/> says what could not be kept.
/// </summary>
internal sealed class CollectedFiles
{
    private readonly SortedDictionary<string, byte[]> _files;

    internal CollectedFiles(SortedDictionary<string, byte[]> files, IReadOnlyList<string> notes)
    {
        _files = files;
        Notes = notes;
    }

    /// <summary>Paths in ordinal order, so cataloguers, and so SBOMs, see them in the same order every time.</summary>
    public IEnumerable<string> Paths => _files.Keys;

    /// <summary>Files that were wanted but skipped (too large, a link to a file not kept), in plain words.</summary>
    public IReadOnlyList<string> Notes { get; }

    public bool TryGet(string path, out ReadOnlyMemory<byte> content)
    {
        var found = _files.TryGetValue(path, out var bytes);
        content = bytes;
        return found;
    }

    /// <summary>Normalizes a tar entry name or a relative path: no "./", no leading or trailing '/', no "." segments,
    /// ".." resolved within the root.</summary>
    internal static string Normalize(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }

                continue;
            }

            parts.Add(part);
        }

        return string.Join('/', parts);
    }
}
