using System.Text.RegularExpressions;

namespace Slipway.Oci.Sbom;

/// <summary>
/// Python distributions installed by pip (or any installer following the packaging spec), from each
/// <c>NAME-VERSION.dist-info/METADATA</c>: its email-style headers <c>Name:</c> and <c>Version:</c>, read up to the
/// first blank line (the body is the long description). The purl's name is normalized as PyPI compares names
/// (PEP 503: lowercase, runs of '-', '_', '.' as one '-'): <c>pkg:pypi/typing-extensions@4.9.0</c>.
/// </summary>
internal sealed partial class PythonCataloguer : ICataloguer
{
    public bool Wants(string path) => path.EndsWith(".dist-info/METADATA", StringComparison.Ordinal);

    public void Catalogue(CollectedFiles files, CatalogueBuilder into)
    {
        foreach (var path in files.Paths.Where(Wants))
        {
            files.TryGet(path, out var content);
            string? name = null, version = null;
            foreach (var raw in CatalogueBuilder.Text(content).Split('\n'))
            {
                var line = raw.TrimEnd('\r');
                if (line.Length == 0)
                {
                    break;
                }

                if (line.StartsWith("Name:", StringComparison.OrdinalIgnoreCase))
                {
                    name ??= line[5..].Trim();
                }
                else if (line.StartsWith("Version:", StringComparison.OrdinalIgnoreCase))
                {
                    version ??= line[8..].Trim();
                }
            }

            if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(version))
            {
                into.Note($"/{path} has no Name or Version header: skipped");
                continue;
            }

            into.Add(name, version, new PackageUrl("pypi", null, NormalizeName(name), version), path);
        }
    }

    /// <summary>PEP 503 name normalization: what makes <c>Typing_Extensions</c> and <c>typing-extensions</c> one project.</summary>
    public static string NormalizeName(string name) => Separators().Replace(name, "-").ToLowerInvariant();

    [GeneratedRegex("[-_.]+", RegexOptions.CultureInvariant)]
    private static partial Regex Separators();
}
