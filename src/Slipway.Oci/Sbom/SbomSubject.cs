namespace Slipway.Oci.Sbom;

/// <summary>
/// What an SBOM describes (CycloneDX's metadata component): an image, named by its repository and pinned by its
/// manifest digest, or a directory artifact, named by its content digest. The digest is what ties a stored SBOM to the
/// releases that run that artifact.
/// </summary>
public sealed record SbomSubject(SbomSubjectKind Kind, string Name, Digest Digest)
{
    /// <summary>The subject of an image's SBOM: its repository, at the manifest digest.</summary>
    public static SbomSubject ForImage(ImageReference image, Digest manifest) => new(SbomSubjectKind.Image, image.Name, manifest);

    /// <summary>The subject of a directory artifact's SBOM: its name (the app's, or the folder's), at its content digest.</summary>
    public static SbomSubject ForDirectory(string name, Digest content) => new(SbomSubjectKind.Directory, name, content);

    /// <summary>The subject's purl: <c>pkg:oci/NAME@DIGEST?repository_url=REGISTRY/REPOSITORY</c> for an image (the
    /// purl-spec's oci type names the last path component); none for a directory.</summary>
    public PackageUrl? Purl
    {
        get
        {
            if (Kind != SbomSubjectKind.Image)
            {
                return null;
            }

            var name = Name[(Name.LastIndexOf('/') + 1)..];
            return new PackageUrl("oci", null, name, Digest.ToString(), [new("repository_url", Name)]);
        }
    }
}

/// <summary>Whether an SBOM describes an OCI image or a directory artifact.</summary>
public enum SbomSubjectKind
{
    Image,
    Directory,
}
