using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Slipway.Oci.Registry;

/// <summary>
/// Decides whether a registry's certificate is trusted: what the system trusts, plus the extra certificate authorities
/// of <see cref="RegistryClientOptions.ExtraCaCertificates"/> (a private CA's registry). A certificate that does not
/// name the host is refused whoever signed it. Remembers why it refused a host, for the message that reports the
/// failed handshake (the handshake's own exception only says "rejected").
/// </summary>
internal sealed class RegistryTls(IReadOnlyList<X509Certificate2> extraCas)
{
    private readonly ConcurrentDictionary<string, string> refusals = new(StringComparer.OrdinalIgnoreCase);

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        var host = (sender as SslStream)?.TargetHostName ?? "";
        if (errors == SslPolicyErrors.None)
        {
            refusals.TryRemove(host, out _);
            return true;
        }

        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return Refuse(host, "the registry sent no certificate");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return Refuse(host, $"its certificate ({certificate.Subject}) does not name the host {host}");
        }

        if (extraCas.Count == 0)
        {
            return Refuse(host, $"its certificate ({certificate.Subject}, issued by {certificate.Issuer}) is not signed by an authority the system trusts: {Statuses(chain)}");
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        foreach (var ca in extraCas)
        {
            custom.ChainPolicy.CustomTrustStore.Add(ca);
        }

        if (chain is not null)
        {
            // The intermediates the server sent: the chain may pass through them to one of the extra roots.
            foreach (var element in chain.ChainElements.Skip(1))
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        if (custom.Build(leaf))
        {
            refusals.TryRemove(host, out _);
            return true;
        }

        return Refuse(host, $"its certificate ({certificate.Subject}, issued by {certificate.Issuer}) is signed neither by an authority the system trusts "
            + $"nor by one of the {extraCas.Count} extra CA certificate(s): {Statuses(custom)}");
    }

    /// <summary>Why the last handshake with <paramref name="host"/> was refused; null when it was not refused by this check.</summary>
    public string? RefusalOf(string host) => refusals.GetValueOrDefault(host);

    private bool Refuse(string host, string why)
    {
        refusals[host] = why;
        return false;
    }

    private static string Statuses(X509Chain? chain) =>
        chain is null || chain.ChainStatus.Length == 0
            ? "the chain could not be built"
            : string.Join(", ", chain.ChainStatus.Select(s => s.Status).Distinct());
}
