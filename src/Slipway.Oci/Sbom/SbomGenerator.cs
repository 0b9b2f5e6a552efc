namespace Slipway.Oci.Sbom;

/// <summary>
/// Makes the SBOM of an image or a directory artifact: catalogues it (<see cref="Cataloguers"/>) and stamps the result
/// with its subject, the time (from the injected clock, so tests and reproducible builds control it) and a fresh serial
/// number. The notes of the catalogue come back beside the SBOM for the caller to show; they are not in the SBOM.
/// </summary>
public sealed class SbomGenerator(TimeProvider time)
{
    private readonly Cataloguers _cataloguers = new();

    public async Task<SbomResult> ForImageAsync(SbomSubject subject, IReadOnlyList<LayerSource> layers, CancellationToken ct) =>
        Stamp(subject, await _cataloguers.CatalogueImageAsync(layers, ct).ConfigureAwait(false));

    public async Task<SbomResult> ForDirectoryAsync(SbomSubject subject, string root, CancellationToken ct) =>
        Stamp(subject, await _cataloguers.CatalogueDirectoryAsync(root, ct).ConfigureAwait(false));

    private SbomResult Stamp(SbomSubject subject, Catalogue catalogue)
    {
        var now = time.GetUtcNow();
        var timestamp = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        return new SbomResult(new BillOfMaterials(Guid.CreateVersion7(now), 1, timestamp, SbomTool.Slipway, subject, catalogue.Components), catalogue.Notes);
    }
}

/// <summary>An SBOM and the notes on what its catalogue could not read.</summary>
public sealed record SbomResult(BillOfMaterials Sbom, IReadOnlyList<string> Notes);
