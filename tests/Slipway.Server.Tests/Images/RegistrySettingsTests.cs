using Slipway.Oci.Registry;
using Slipway.Oci.Tests.Support;
using Slipway.Server.Images;

namespace Slipway.Server.Tests.Images;

/// <summary>
/// <c>slipway server --insecure-registry</c> and <c>--registry-ca</c>: what is refused before the server starts, and a
/// real TLS registry whose certificate a private CA signed, reached once that CA's PEM file is given — and refused,
/// saying what to do, without it.
/// </summary>
public sealed class RegistrySettingsTests : IDisposable
{
    private readonly Oci.Tests.Support.TemporaryDirectory _dir = new("slipway-registry-settings");

    [Fact]
    public void Registries_are_host_and_port_as_image_references_name_them_and_ca_files_must_hold_certificates()
    {
        var settings = new RegistrySettings(
            ["127.0.0.1:5000", "registry.example.com", "https://registry.example.com", "localhost:0", "bad host:5000"],
            [_dir.Combine("missing.pem"), _dir.WriteFile("empty.pem", "not a certificate\n")]);

        var errors = settings.Validate();

        Assert.Equal(
            [
                "--insecure-registry 'https://registry.example.com': give the registry as image references name it, host or host:port, without a scheme or a path (e.g. 127.0.0.1:5000)",
                "--insecure-registry 'localhost:0': '0' is not a port (1-65535)",
                "--insecure-registry 'bad host:5000': 'bad host' is not a host name or IPv4 address",
            ],
            errors.Take(3));
        Assert.StartsWith($"--registry-ca {_dir.Combine("missing.pem")}: cannot be read as PEM certificates:", errors[3], StringComparison.Ordinal);
        Assert.Equal($"--registry-ca {_dir.Combine("empty.pem")}: holds no certificate (expected PEM CERTIFICATE blocks, as a CA's .crt file)", errors[4]);
        Assert.Equal(5, errors.Count);
    }

    [Fact]
    public async Task A_registry_whose_certificate_a_private_CA_signed_is_reached_with_that_CA_and_refused_without_it()
    {
        using var certificates = new TestCertificates();
        await using var registry = await RegistryServer.StartAsync(new RegistryServerOptions { Tls = certificates });
        var ca = _dir.WriteFile("ca.pem", certificates.Authority.ExportCertificatePem() + "\n");
        var image = TestImage.Create(layerCount: 1, layerSize: 1024);
        var settings = new RegistrySettings([], [ca]);
        using (var pusher = new RegistryClient(settings.ClientOptions()))
        {
            await image.PushAsync(pusher, registry.Reference("team/web:v1"));
        }

        using var trusting = new RegistryClient(settings.ClientOptions());
        using var plain = new RegistryClient(RegistrySettings.None.ClientOptions());
        var resolved = await new RegistryImageResolver(trusting).ResolveAsync(registry.Reference("team/web:v1"), CancellationToken.None);
        var refused = await new RegistryImageResolver(plain).ResolveAsync(registry.Reference("team/web:v1"), CancellationToken.None);

        Assert.Empty(settings.Validate());
        Assert.Equal(image.Digest, resolved.Digest);
        Assert.Null(refused.Digest);
        Assert.Contains("is not signed by an authority the system trusts", refused.Problem, StringComparison.Ordinal);
        Assert.Contains("add that CA's certificate to the trusted CA certificates", refused.Problem, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
