using System.Text.Json.Nodes;

namespace Slipway.Server.Supply;

/// <summary>
/// <c>POST /api/v1/images/sbom</c>: the SBOM of an image, as attached to it in its registry. <see cref="Reused"/> says
/// whether it was there already (read back, not recomputed) or made now; <see cref="Notes"/> what the cataloguers
/// could not read (only for one made now); <see cref="Sbom"/> the CycloneDX 1.5 document itself, byte for byte what
/// the registry holds under <see cref="Tag"/>.
/// </summary>
/// <param name="Image">The image as asked for, pinned: <c>registry/name[:tag]@sha256:…</c>.</param>
/// <param name="Digest">The manifest digest the SBOM describes (an index's, for a multi-platform image).</param>
/// <param name="Platform">For an index, the linux/amd64 manifest whose layers were read; null for a single image.</param>
public sealed record SbomView(
    string Image,
    string Digest,
    string? Platform,
    string Tag,
    bool Reused,
    IReadOnlyList<SbomComponentView> Components,
    IReadOnlyList<string> Notes,
    JsonNode Sbom);

/// <summary>One package of an SBOM: its name and version as its ecosystem spells them, its purl, and where it was found.</summary>
public sealed record SbomComponentView(string Ecosystem, string Name, string Version, string Purl, IReadOnlyList<string> Locations);
