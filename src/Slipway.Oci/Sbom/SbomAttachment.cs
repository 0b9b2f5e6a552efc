namespace Slipway.Oci.Sbom;

/// <summary>
/// How an SBOM is attached to its image in a registry, by the two conventions tools read: as an OCI referrer (an
/// artifact manifest whose <c>subject</c> is the image and whose artifactType is CycloneDX's media type), or, for
/// registries without the referrers API (distribution 2.8), under the tag <c>sha256-&lt;hex&gt;.sbom</c> in the
/// image's repository — cosign's convention, beside its <c>.sig</c> tag. The registry client pushes; these are the
/// names it pushes under.
/// </summary>
public static class SbomAttachment
{
    /// <summary>The SBOM's media type (layer and artifactType): CycloneDX JSON.</summary>
    public const string MediaType = CycloneDx.MediaType;

    /// <summary>The tag the SBOM of <paramref name="image"/> is stored under when the registry has no referrers API.</summary>
    public static string Tag(Digest image) => $"{image.Algorithm}-{image.Hex}.sbom";
}
