using System.IO.Compression;

namespace Slipway.Oci.Vulnerabilities;

/// <summary>
/// An offline advisory database in OSV format: a folder of OSV JSON files (searched recursively), or a .zip of them
/// as osv.dev publishes per ecosystem (<c>https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip</c>), which
/// the user downloads and keeps up to date. Advisories are indexed by ecosystem and normalized package name, so
/// matching an SBOM costs one lookup per component. Withdrawn advisories and ecosystems Slipway does not catalogue
/// are left out. Loading validates every file first: a database with a broken file is refused whole, every broken
/// file named, rather than silently matching less than the user thinks.
/// </summary>
public sealed class OsvDatabase
{
    private const int MaxErrorsShown = 20;

    private readonly Dictionary<string, List<(OsvAdvisory Advisory, OsvAffected Affected, string? Release)>> _index;

    private OsvDatabase(IReadOnlyList<OsvAdvisory> advisories)
    {
        Advisories = advisories;
        _index = new(StringComparer.Ordinal);
        foreach (var advisory in advisories)
        {
            foreach (var affected in advisory.Affected)
            {
                if (Ecosystem.FromOsv(affected.Package.Ecosystem) is not var (ecosystem, release))
                {
                    continue;
                }

                var key = ecosystem.IndexKey(affected.Package.Name);
                if (!_index.TryGetValue(key, out var list))
                {
                    _index[key] = list = [];
                }

                list.Add((advisory, affected, release));
            }
        }
    }

    /// <summary>Every advisory read, withdrawn ones excepted.</summary>
    public IReadOnlyList<OsvAdvisory> Advisories { get; }

    /// <summary>Reads a folder of OSV files, a .zip of them, or one OSV file.</summary>
    /// <exception cref="FormatException">One or more files are not OSV advisories; the message names each.</exception>
    public static async Task<OsvDatabase> LoadAsync(string path, CancellationToken ct)
    {
        var advisories = new List<OsvAdvisory>();
        var errors = new List<string>();
        void Add(ReadOnlyMemory<byte> json, string file)
        {
            try
            {
                if (OsvReader.Read(json, file) is { } advisory)
                {
                    advisories.Add(advisory);
                }
            }
            catch (FormatException e)
            {
                errors.Add(e.Message);
            }
        }

        if (Directory.Exists(path))
        {
            foreach (var file in Directory.EnumerateFiles(path, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                Add(await File.ReadAllBytesAsync(file, ct).ConfigureAwait(false), Path.GetRelativePath(path, file));
            }
        }
        else if (File.Exists(path) && path.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
        {
            var zip = await ZipFile.OpenReadAsync(path, ct).ConfigureAwait(false);
            await using var _ = zip.ConfigureAwait(false);
            foreach (var entry in zip.Entries.Where(e => e.FullName.EndsWith(".json", StringComparison.OrdinalIgnoreCase)).OrderBy(e => e.FullName, StringComparer.Ordinal))
            {
                var stream = await entry.OpenAsync(ct).ConfigureAwait(false);
                await using var __ = stream.ConfigureAwait(false);
                using var buffer = new MemoryStream();
                await stream.CopyToAsync(buffer, ct).ConfigureAwait(false);
                Add(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), $"{Path.GetFileName(path)}:{entry.FullName}");
            }
        }
        else if (File.Exists(path))
        {
            Add(await File.ReadAllBytesAsync(path, ct).ConfigureAwait(false), Path.GetFileName(path));
        }
        else
        {
            throw new FileNotFoundException($"{path}: no such folder or file: expected a folder of OSV JSON files or a .zip of them", path);
        }

        if (errors.Count > 0)
        {
            var shown = string.Join(Environment.NewLine, errors.Take(MaxErrorsShown).Select(e => "  " + e));
            var more = errors.Count > MaxErrorsShown ? $"{Environment.NewLine}  … and {errors.Count - MaxErrorsShown} more" : "";
            throw new FormatException($"{path}: {errors.Count} file(s) are not valid OSV advisories:{Environment.NewLine}{shown}{more}");
        }

        return new OsvDatabase(advisories);
    }

    /// <summary>A database of advisories already read (tests, a server that caches them).</summary>
    public static OsvDatabase From(IEnumerable<OsvAdvisory> advisories) => new([.. advisories]);

    /// <summary>The advisories that name <paramref name="lookup"/>'s package, for its release where the ecosystem has
    /// releases (an advisory for "Debian:11" does not apply to Debian 12; one for "Debian" applies to every release).</summary>
    internal IEnumerable<(OsvAdvisory Advisory, OsvAffected Affected)> Candidates(Ecosystem.Lookup lookup) =>
        _index.TryGetValue(lookup.IndexKey, out var list)
            ? list.Where(c => c.Release is null || lookup.Release is null || c.Release == lookup.Release).Select(c => (c.Advisory, c.Affected))
            : [];
}
