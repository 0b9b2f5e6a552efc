namespace Slipway.Oci.Sbom;

/// <summary>
/// Every cataloguer Slipway has — Debian (dpkg), .NET (deps.json), npm, Python — run together: one predicate that wants
/// what any of them reads, so an image's layers are streamed once for all of them, then each reads its files.
/// </summary>
internal sealed class Cataloguers
{
    private readonly ICataloguer[] _all = [new DpkgCataloguer(), new DotNetCataloguer(), new NpmCataloguer(), new PythonCataloguer()];

    /// <summary>Whether any cataloguer reads the file at <paramref name="path"/>.</summary>
    public bool Wants(string path) => _all.Any(c => c.Wants(path));

    /// <summary>The packages in <paramref name="files"/>, merged by purl and in purl order, with the notes of the
    /// collection and of each cataloguer.</summary>
    public Catalogue Catalogue(CollectedFiles files)
    {
        var builder = new CatalogueBuilder();
        foreach (var note in files.Notes)
        {
            builder.Note(note);
        }

        foreach (var cataloguer in _all)
        {
            cataloguer.Catalogue(files, builder);
        }

        return builder.Build();
    }

    /// <summary>Streams an image's layers once and catalogues the result.</summary>
    public async Task<Catalogue> CatalogueImageAsync(IReadOnlyList<LayerSource> layers, CancellationToken ct) =>
        Catalogue(await ImageFileSystem.ReadAsync(layers, Wants, ct).ConfigureAwait(false));

    /// <summary>Catalogues a directory artifact.</summary>
    public async Task<Catalogue> CatalogueDirectoryAsync(string root, CancellationToken ct) =>
        Catalogue(await DirectoryFiles.ReadAsync(root, Wants, ct).ConfigureAwait(false));
}
