using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Slipway.Oci.Tests.Support;

/// <summary>
/// A private certificate authority made for one test, and a server certificate it signed for 127.0.0.1: what a
/// registry on a private network has. The client is given <see cref="Authority"/> (without its key) to trust.
/// </summary>
internal sealed class TestCertificates : IDisposable
{
    private readonly X509Certificate2 server;
    private readonly ECDsa serverKey;

    public TestCertificates()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Slipway test registry CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        Authority = X509CertificateLoader.LoadCertificate(ca.RawData);

        serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        server = request.Create(ca, now.AddDays(-1), now.AddDays(30), RandomNumberGenerator.GetBytes(16));
    }

    /// <summary>The CA's certificate: what the client adds to <c>ExtraCaCertificates</c>.</summary>
    public X509Certificate2 Authority { get; }

    public string WriteServerCertificate(string path)
    {
        File.WriteAllText(path, server.ExportCertificatePem());
        return path;
    }

    public string WriteServerKey(string path)
    {
        File.WriteAllText(path, serverKey.ExportPkcs8PrivateKeyPem());
        return path;
    }

    public void Dispose()
    {
        server.Dispose();
        serverKey.Dispose();
        Authority.Dispose();
    }
}
