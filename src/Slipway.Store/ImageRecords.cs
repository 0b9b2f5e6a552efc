namespace Slipway.Store;

/// <summary>
/// An image Slipway knows by digest: built and pushed by <c>slipway build</c>, promoted, or pinned by an apply.
/// <see cref="Details"/> is JSON the server owns (labels, lint findings, SBOM summary, signatures): the store keeps it
/// as it is given.
/// </summary>
/// <param name="Name">Registry and repository, e.g. <c>localhost:5000/web</c>.</param>
/// <param name="Origin">How Slipway came to know it: <c>build</c>, <c>promotion</c> or <c>apply</c>.</param>
public sealed record ImageRecord(
    string Name, string Digest, IReadOnlyList<string> Tags, string Origin, DateTimeOffset RecordedAt, string RecordedBy, string Details);

/// <summary>A package an image's SBOM lists: what <c>slipway images --uses</c> searches.</summary>
/// <param name="Ecosystem">As OSV names it: <c>Debian</c>, <c>npm</c>, <c>PyPI</c>, <c>NuGet</c>.</param>
public sealed record ImagePackageRecord(string Ecosystem, string Name, string Version, string Purl);

/// <summary>
/// A revision whose image carries a package: one row of the answer to "which releases and environments carry
/// PACKAGE@VERSION".
/// </summary>
public sealed record PackageUse(string App, string Environment, int Revision, string Image, string Digest, ImagePackageRecord Package);

/// <summary>
/// One promotion of an image by digest: from where, to where, who, when. <see cref="Details"/> is the server's JSON
/// (blobs copied, mounted or skipped, bytes sent, the gate's verdict and the exceptions it used).
/// </summary>
public sealed record PromotionRecord(
    long Id, string Source, string SourceDigest, string Destination, string DestinationDigest, string? Environment, string Actor,
    DateTimeOffset PromotedAt, string Details);

/// <summary>
/// A key that signs or verifies image signatures. <see cref="PrivateKey"/> is the PKCS#8 key encrypted with the
/// master key <see cref="MasterKeyId"/> (as secret values are); null for a trusted public key imported from elsewhere.
/// </summary>
public sealed record SigningKeyRecord(
    string Name, string PublicKeyPem, string KeyId, byte[]? PrivateKey, string? MasterKeyId, DateTimeOffset CreatedAt, string CreatedBy);

/// <summary>
/// A recorded decision to let an advisory through the vulnerability gate until <see cref="ExpiresAt"/>: for one
/// environment or all (null), for one package or any that the advisory names (null).
/// </summary>
public sealed record VulnerabilityExceptionRecord(
    long Id, string? Environment, string Advisory, string? Package, string Reason, DateTimeOffset ExpiresAt, DateTimeOffset CreatedAt, string CreatedBy);

/// <summary>An image policy as the store holds it, with when it was last applied with a change.</summary>
public sealed record ImagePolicyRecord(Core.Images.ImagePolicy Policy, DateTimeOffset UpdatedAt);
