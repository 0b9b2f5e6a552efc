namespace Slipway.Oci.Registry;

/// <summary>
/// The media types a registry client meets: OCI's and Docker's two manifest kinds, configs and layers. Docker's
/// schema 2 types are the OCI ones under older names (the OCI spec was written from them), so both are read alike;
/// Docker's schema 1 (signed JWS manifests) is not: registries stopped serving it and no current tool writes it.
/// </summary>
public static class MediaTypes
{
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";

    /// <summary>Docker's retired schema 1, named only to refuse it clearly.</summary>
    public const string DockerManifestSchema1 = "application/vnd.docker.distribution.manifest.v1+json";
    public const string DockerManifestSchema1Signed = "application/vnd.docker.distribution.manifest.v1+prettyjws";

    public const string OciConfig = "application/vnd.oci.image.config.v1+json";
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";

    /// <summary>The config of an artifact that is not an image (a signature, an SBOM): the two bytes <c>{}</c>.</summary>
    public const string OciEmpty = "application/vnd.oci.empty.v1+json";

    public const string OciLayer = "application/vnd.oci.image.layer.v1.tar";
    public const string OciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
    public const string OciLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";
    public const string DockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";

    /// <summary>
    /// The Accept header of a manifest request: every kind this client reads. A registry that holds a manifest list
    /// answers with it only when asked for it; without these it may fall back to schema 1 or refuse.
    /// </summary>
    public static IReadOnlyList<string> AcceptedManifests { get; } = [OciManifest, OciIndex, DockerManifest, DockerManifestList];

    /// <summary>Whether <paramref name="mediaType"/> is an index (OCI index or Docker manifest list), whose entries are manifests.</summary>
    public static bool IsIndex(string mediaType) => mediaType is OciIndex or DockerManifestList;

    /// <summary>Whether <paramref name="mediaType"/> is an image manifest (OCI or Docker schema 2), whose entries are blobs.</summary>
    public static bool IsImageManifest(string mediaType) => mediaType is OciManifest or DockerManifest;

    /// <summary>Whether a client of this library can read a manifest of <paramref name="mediaType"/>.</summary>
    public static bool IsManifest(string mediaType) => IsIndex(mediaType) || IsImageManifest(mediaType);
}
