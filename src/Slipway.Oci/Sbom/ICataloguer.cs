namespace Slipway.Oci.Sbom;

/// <summary>
/// Finds the packages of one ecosystem in a filesystem. A cataloguer says which paths it reads (<see cref="Wants"/>,
/// asked of every path of every layer, so it must be cheap) and then reads them from the collected files: it never
/// sees the rest of the image.
/// </summary>
internal interface ICataloguer
{
    /// <summary>Whether the file at <paramref name="path"/> (relative, '/'-separated) is one this cataloguer reads.</summary>
    bool Wants(string path);

    /// <summary>Adds the packages found in <paramref name="files"/> to <paramref name="into"/>; a file it cannot parse
    /// is a note, not a failure (one broken package.json does not lose the SBOM).</summary>
    void Catalogue(CollectedFiles files, CatalogueBuilder into);
}
