using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Slipway.Oci.Registry;

namespace Slipway.Server.Images;

/// <summary>
/// How the server reaches registries, from <c>slipway server</c>'s flags: the registries it may speak plain http to
/// (<c>--insecure-registry HOST[:PORT]</c>, as Docker's <c>insecure-registries</c>: every other one is spoken to over
/// https, and one that answers http is refused with a message naming the flag) and the certificate authorities it
/// trusts beside the system's (<c>--registry-ca FILE</c>, PEM). Logins are not here: they are secrets
/// (<see cref="RegistryLogins"/>), changed through the API while the server runs.
/// </summary>
/// <param name="InsecureRegistries">Registries as image references name them: <c>host</c> or <c>host:port</c>.</param>
/// <param name="CaFiles">PEM files of one or more CA certificates each.</param>
public sealed record RegistrySettings(IReadOnlyList<string> InsecureRegistries, IReadOnlyList<string> CaFiles)
{
    public const string InsecureRegistryFlag = "--insecure-registry";

    public const string CaFlag = "--registry-ca";

    /// <summary>What the registry client names in the message refusing an http registry not listed: the flag.</summary>
    public const string InsecureRegistriesSetting = $"the server's insecure registries (restart it with `slipway server {InsecureRegistryFlag} HOST:PORT`; repeatable)";

    /// <summary>https to every registry, with the system's certificate authorities only.</summary>
    public static RegistrySettings None { get; } = new([], []);

    /// <summary>Every problem with the settings, one a line (empty when there is none): checked before the server starts.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        foreach (var registry in InsecureRegistries)
        {
            if (CheckRegistry(registry) is { } problem)
            {
                errors.Add($"{InsecureRegistryFlag} '{registry}': {problem}");
            }
        }

        foreach (var file in CaFiles)
        {
            try
            {
                foreach (var certificate in Load(file))
                {
                    certificate.Dispose();
                }
            }
            catch (RegistrySettingsException e)
            {
                errors.Add(e.Message);
            }
        }

        return errors;
    }

    /// <summary>The registry client's options: insecure registries listed, the CA certificates read.</summary>
    /// <exception cref="RegistrySettingsException">A CA file cannot be read or holds no certificate.</exception>
    public RegistryClientOptions ClientOptions() => new()
    {
        InsecureRegistries = InsecureRegistries.ToHashSet(StringComparer.OrdinalIgnoreCase),
        InsecureRegistriesSetting = InsecureRegistriesSetting,
        ExtraCaCertificates = [.. CaFiles.SelectMany(file => Load(file).Cast<X509Certificate2>())],
    };

    /// <summary>
    /// Whether <paramref name="registry"/> is a registry as an image reference names it: a host name or IP address,
    /// with a port when it is not the default one; no scheme, no path.
    /// </summary>
    public static string? CheckRegistry(string registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        if (registry.Contains("://", StringComparison.Ordinal) || registry.Contains('/', StringComparison.Ordinal))
        {
            return "give the registry as image references name it, host or host:port, without a scheme or a path (e.g. 127.0.0.1:5000)";
        }

        var colon = registry.LastIndexOf(':');
        var host = colon < 0 ? registry : registry[..colon];
        if (colon >= 0 && !(int.TryParse(registry[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535))
        {
            return $"'{registry[(colon + 1)..]}' is not a port (1-65535)";
        }

        return Uri.CheckHostName(host) is UriHostNameType.Dns or UriHostNameType.IPv4 ? null : $"'{host}' is not a host name or IPv4 address";
    }

    private static X509Certificate2Collection Load(string file)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new RegistrySettingsException($"{CaFlag} {file}: cannot be read as PEM certificates: {e.Message}", e);
        }

        return certificates.Count > 0 ? certificates
            : throw new RegistrySettingsException($"{CaFlag} {file}: holds no certificate (expected PEM CERTIFICATE blocks, as a CA's .crt file)");
    }
}
