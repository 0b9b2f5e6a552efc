using System.Security.Cryptography.X509Certificates;

namespace Slipway.Oci.Registry;

/// <summary>How a <see cref="RegistryClient"/> reaches registries; the defaults suit production, tests list their registries as insecure.</summary>
public sealed record RegistryClientOptions
{
    /// <summary>
    /// Registries (host with its port, as in <see cref="ImageReference.Registry"/>) spoken to over plain http, as
    /// Docker's <c>insecure-registries</c>. Every other registry is spoken to over https, and one that answers plain
    /// http is refused with a message naming <see cref="InsecureRegistriesSetting"/>: nothing falls back to http silently.
    /// </summary>
    public IReadOnlySet<string> InsecureRegistries { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Where a user lists insecure registries, named in the message that refuses an http-only registry (the server
    /// puts the name of its own setting here).
    /// </summary>
    public string InsecureRegistriesSetting { get; init; } = "the insecure registries (RegistryClientOptions.InsecureRegistries)";

    /// <summary>
    /// Certificate authorities trusted beside the system's, for registries whose certificates a private CA signed.
    /// A certificate the system trusts is accepted without them.
    /// </summary>
    public IReadOnlyList<X509Certificate2> ExtraCaCertificates { get; init; } = [];

    /// <summary>
    /// Blobs larger than this are uploaded in chunks of this size (POST, PATCH with Content-Range, PUT), for registries
    /// or proxies that limit a request's body; smaller ones in one PUT. Null: every blob in one PUT, streamed.
    /// </summary>
    public int? ChunkSize { get; init; }

    /// <summary>How long a request may wait for the registry's answer; a blob's transfer itself is bounded only by the caller's token.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    public string UserAgent { get; init; } = "slipway";

    /// <summary>Whether <paramref name="registry"/> is listed among <see cref="InsecureRegistries"/> (host:port compared without case).</summary>
    public bool IsInsecure(string registry) => InsecureRegistries.Any(listed => string.Equals(listed, registry, StringComparison.OrdinalIgnoreCase));
}
