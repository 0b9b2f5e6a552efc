namespace Slipway.Oci.Sbom;

/// <summary>
/// A software bill of materials: the packages found in one artifact, when, and by what tool. Slipway writes and
/// reads it as CycloneDX 1.5 JSON (<see cref="CycloneDxWriter"/>, <see cref="CycloneDxReader"/>); the components are in
/// purl order, so two SBOMs of the same content differ only in serial number and timestamp.
/// </summary>
public sealed record BillOfMaterials(
    Guid SerialNumber,
    int Version,
    DateTimeOffset Timestamp,
    SbomTool Tool,
    SbomSubject? Subject,
    IReadOnlyList<SbomComponent> Components)
{
    /// <summary>The components that match <paramref name="query"/> (what <c>slipway images --uses</c> asks of each SBOM).</summary>
    public IReadOnlyList<SbomComponent> Uses(PackageQuery query) => [.. Components.Where(query.Matches)];
}

/// <summary>The tool that wrote an SBOM (CycloneDX's metadata.tools).</summary>
public sealed record SbomTool(string Name, string Version)
{
    /// <summary>Slipway, at the version of this assembly.</summary>
    public static SbomTool Slipway { get; } = new(
        "slipway",
        typeof(SbomTool).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");
}
