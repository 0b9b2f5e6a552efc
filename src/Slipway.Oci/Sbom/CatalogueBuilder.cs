using System.Text;

namespace Slipway.Oci.Sbom;

/// <summary>
/// Collects what the cataloguers find: one component per purl, with every path it was found at, and notes on files
/// that could not be read. <see cref="Build"/> orders both, so an SBOM does not depend on tar or directory order.
/// </summary>
internal sealed class CatalogueBuilder
{
    private readonly Dictionary<string, (string Name, string Version, PackageUrl Purl, SortedSet<string> Locations)> _components = new(StringComparer.Ordinal);
    private readonly List<string> _notes = [];

    public void Add(string name, string version, PackageUrl purl, string path)
    {
        var key = purl.ToString();
        if (!_components.TryGetValue(key, out var component))
        {
            component = (name, version, purl, new SortedSet<string>(StringComparer.Ordinal));
            _components[key] = component;
        }

        component.Locations.Add("/" + path);
    }

    public void Note(string note) => _notes.Add(note);

    public Catalogue Build() => new(
        [.. _components.Values.OrderBy(c => c.Purl.ToString(), StringComparer.Ordinal).Select(c => new SbomComponent(c.Name, c.Version, c.Purl, [.. c.Locations]))],
        [.. _notes]);

    /// <summary>A file's text: UTF-8, a byte-order mark dropped.</summary>
    public static string Text(ReadOnlyMemory<byte> content)
    {
        var span = content.Span;
        return Encoding.UTF8.GetString(span.StartsWith((ReadOnlySpan<byte>)[0xef, 0xbb, 0xbf]) ? span[3..] : span);
    }
}

/// <summary>The packages found in a filesystem, in purl order, and notes on what could not be read.</summary>
internal sealed record Catalogue(IReadOnlyList<SbomComponent> Components, IReadOnlyList<string> Notes);
