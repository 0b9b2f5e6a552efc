using Slipway.Oci.Registry;
using Slipway.Oci.Tests.Support;

namespace Slipway.Oci.Tests.Registry;

/// <summary>https to a registry whose certificate a private CA signed.</summary>
public sealed class RegistryTlsTests
{
    [Fact]
    public async Task A_registry_signed_by_an_extra_ca_is_spoken_to_over_https()
    {
        using var certificates = new TestCertificates();
        await using var registry = await RegistryServer.StartAsync(new RegistryServerOptions { Tls = certificates });
        using var client = new RegistryClient(new RegistryClientOptions { ExtraCaCertificates = [certificates.Authority] });
        var image = TestImage.Create(layerCount: 2);

        await image.PushAsync(client, registry.Reference("app:v1"));

        Assert.Equal(image.Digest, await client.ResolveAsync(registry.Reference("app:v1"), default));
    }

    [Fact]
    public async Task Without_the_ca_the_certificate_is_refused_with_why_and_what_to_do()
    {
        using var certificates = new TestCertificates();
        using var other = new TestCertificates();
        await using var registry = await RegistryServer.StartAsync(new RegistryServerOptions { Tls = certificates });
        using var system = new RegistryClient();
        using var wrongCa = new RegistryClient(new RegistryClientOptions { ExtraCaCertificates = [other.Authority] });

        var untrusted = await Assert.ThrowsAsync<RegistryException>(() => system.HeadManifestAsync(registry.Reference("app:v1"), default));
        var unknown = await Assert.ThrowsAsync<RegistryException>(() => wrongCa.HeadManifestAsync(registry.Reference("app:v1"), default));

        Assert.Contains("is not signed by an authority the system trusts", untrusted.Message, StringComparison.Ordinal);
        Assert.Contains("add that CA's certificate to the trusted CA certificates", untrusted.Message, StringComparison.Ordinal);
        Assert.Contains("nor by one of the 1 extra CA certificate(s)", unknown.Message, StringComparison.Ordinal);
    }
}
