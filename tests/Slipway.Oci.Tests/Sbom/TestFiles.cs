using System.Text;
using Slipway.Oci.Sbom;

namespace Slipway.Oci.Tests.Sbom;

internal static class TestFiles
{
    /// <summary>Collected files from path/content pairs, as the image filesystem would hand them over.</summary>
    public static CollectedFiles Of(params (string Path, string Content)[] files) =>
        new(new SortedDictionary<string, byte[]>(files.ToDictionary(f => f.Path, f => Encoding.UTF8.GetBytes(f.Content)), StringComparer.Ordinal), []);

    public static Catalogue Catalogue(params (string Path, string Content)[] files) => new Cataloguers().Catalogue(Of(files));

    public static string Purls(Catalogue catalogue) => string.Join("\n", catalogue.Components.Select(c => c.Purl.ToString()));
}
