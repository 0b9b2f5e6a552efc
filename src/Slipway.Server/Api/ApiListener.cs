using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Slipway.Server.Api;

/// <summary>
/// Where and how the API listens, checked before anything starts: the address, TLS, and the rule that an
/// API reachable from other machines speaks TLS unless the operator explicitly accepts clear text.
/// </summary>
internal sealed record ApiListener(ListenAddress Address, X509Certificate2? Certificate, HostAllowList AllowedHosts)
{
    public string Scheme => Certificate is null ? "http" : "https";

    public string Url => $"{Scheme}://{Address}";

    /// <summary>The listener the options describe; every problem at once in the exception's message.</summary>
    public static ApiListener From(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (!ListenAddress.TryParse(options.ApiListen, out var address, out var addressError))
        {
            errors.Add($"--api {addressError}");
        }

        foreach (var (flag, value) in new[] { ("--router-listen", options.RouterListen), ("--router-admin", options.RouterAdmin) })
        {
            if (!ListenAddress.TryParse(value, out _, out var error))
            {
                errors.Add($"{flag} {error}");
            }
        }

        foreach (var name in options.ApiAllowedHosts.Where(n => HostAllowList.Normalize(n) is null))
        {
            errors.Add($"--api-allowed-host '{name}': expected a host name or an IP address, without scheme, port or wildcard");
        }

        var certificate = LoadCertificate(options, errors);
        if (address is not null && !address.IsLoopback && certificate is null && !options.InsecureRemoteApi && !HasTlsError(options))
        {
            errors.Add(
                $"--api {address} is reachable from other machines, and without TLS the API token would cross the network in clear text: " +
                "pass --tls-cert FILE --tls-key FILE (PEM), or --insecure-remote-api to accept clear text, or bind a loopback address (127.0.0.1)");
        }

        if (errors.Count > 0)
        {
            certificate?.Dispose();
            throw new ApiConfigurationException(string.Join('\n', errors));
        }

        return new ApiListener(address!, certificate, new HostAllowList(options.ApiAllowedHosts, address!));
    }

    public void Configure(KestrelServerOptions kestrel)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        if (Address.Host == "localhost")
        {
            kestrel.ListenLocalhost(Address.Port, Secure);
        }
        else
        {
            kestrel.Listen(Address.Address, Address.Port, Secure);
        }
    }

    private void Secure(Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions listen)
    {
        if (Certificate is not null)
        {
            listen.UseHttps(Certificate);
        }
    }

    private static bool HasTlsError(ServerOptions options) => options.TlsCertificatePath is null != options.TlsKeyPath is null;

    private static X509Certificate2? LoadCertificate(ServerOptions options, List<string> errors)
    {
        if (options.TlsCertificatePath is null && options.TlsKeyPath is null)
        {
            return null;
        }

        if (HasTlsError(options))
        {
            errors.Add("--tls-cert and --tls-key go together: the certificate and its private key, both PEM files");
            return null;
        }

        var missing = false;
        foreach (var (flag, path) in new[] { ("--tls-cert", options.TlsCertificatePath!), ("--tls-key", options.TlsKeyPath!) })
        {
            if (!File.Exists(path))
            {
                errors.Add($"{flag} {path}: no such file");
                missing = true;
            }
        }

        if (missing)
        {
            return null;
        }

        try
        {
            var certificate = X509Certificate2.CreateFromPemFile(options.TlsCertificatePath!, options.TlsKeyPath);
            if (!certificate.HasPrivateKey)
            {
                errors.Add($"--tls-key {options.TlsKeyPath}: holds no private key for {options.TlsCertificatePath}");
                certificate.Dispose();
                return null;
            }

            return certificate;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            errors.Add($"--tls-cert {options.TlsCertificatePath} / --tls-key {options.TlsKeyPath}: cannot load a PEM certificate and its private key: {e.Message}");
            return null;
        }
    }
}
