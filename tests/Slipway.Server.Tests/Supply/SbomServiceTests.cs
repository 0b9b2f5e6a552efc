using Slipway.Oci.Sbom;
using Slipway.Server.Supply;
using Slipway.Server.Tests.Supply.Support;

namespace Slipway.Server.Tests.Supply;

/// <summary>
/// <c>POST /api/v1/images/sbom</c> on a real server over HTTP, against a real registry: the SBOM of an image is made
/// from its layers, attached beside it under cosign's tag, recorded with its packages, and read back — not made again —
/// the next time.
/// </summary>
public sealed class SbomServiceTests
{
    [Fact]
    public async Task An_image_gets_its_SBOM_attached_and_its_packages_recorded_and_the_next_request_reuses_it()
    {
        await using var registry = await Registry.StartAsync();
        await using var server = await SupplyServer.StartAsync(null, registry);
        var image = DebianImage.Create();
        await image.PushAsync(server.Registry, registry.Reference("team/web:v1"));

        var sbom = await server.CallAsync<SbomView>(HttpMethod.Post, "/api/v1/images/sbom", new ImageRequest($"{registry.Address}/team/web:v1", Actor: "ana@laptop"));

        Assert.False(sbom.Reused);
        Assert.Equal(image.Digest.ToString(), sbom.Digest);
        Assert.Equal($"{registry.Address}/team/web:v1@{image.Digest}", sbom.Image);
        Assert.Equal(["libssl3", "tar"], sbom.Components.Select(c => c.Name).Order());
        var libssl = sbom.Components.Single(c => c.Name == "libssl3");
        Assert.Equal(("Debian", DebianImage.LibsslVersion, "/var/lib/dpkg/status"), (libssl.Ecosystem, libssl.Version, libssl.Locations.Single()));

        // In the registry, beside the image: an OCI manifest of one CycloneDX layer that describes this digest.
        var attached = await server.Registry.GetManifestAsync(registry.Reference($"team/web:{SbomAttachment.Tag(image.Digest)}"), CancellationToken.None);
        var manifest = attached.ParseImage();
        Assert.Equal(image.Digest, manifest.Subject!.Digest);
        var layer = Assert.Single(manifest.Layers);
        Assert.Equal("application/vnd.cyclonedx+json", layer.MediaType);
        var stored = CycloneDxReader.Read(await server.Registry.GetBlobAsync(registry.Reference("team/web"), layer.Digest, 1 << 20, CancellationToken.None));
        Assert.Equal((image.Digest, $"{registry.Address}/team/web"), (stored.Subject!.Digest, stored.Subject.Name));
        Assert.Equal(["libssl3", "tar"], stored.Components.Select(c => c.Name).Order());

        // In the store: the image, by digest, with its packages.
        var recorded = Assert.Single(await server.CallAsync<List<ImageView>>(HttpMethod.Get, "/api/v1/images"));
        Assert.Equal(($"{registry.Address}/team/web", image.Digest.ToString(), "sbom", "ana@laptop", 2), (recorded.Name, recorded.Digest, recorded.Origin, recorded.RecordedBy, recorded.Packages));
        Assert.Equal(["v1"], recorded.Tags);

        var again = await server.CallAsync<SbomView>(HttpMethod.Post, "/api/v1/images/sbom", new ImageRequest($"{registry.Address}/team/web@{image.Digest}"));

        Assert.True(again.Reused);
        Assert.Equal(sbom.Sbom["serialNumber"]!.ToString(), again.Sbom["serialNumber"]!.ToString());
        Assert.Equal(attached.Digest, (await server.Registry.GetManifestAsync(registry.Reference($"team/web:{SbomAttachment.Tag(image.Digest)}"), CancellationToken.None)).Digest);
    }

    [Fact]
    public async Task Of_a_multi_platform_index_the_linux_amd64_image_is_read_and_the_SBOM_describes_the_index()
    {
        await using var registry = await Registry.StartAsync();
        await using var server = await SupplyServer.StartAsync(null, registry);
        var amd64 = DebianImage.Create("amd64");
        var arm64 = Oci.Tests.Support.TestImage.Create(layerCount: 1, layerSize: 1024, label: "arm64");
        await amd64.PushAsync(server.Registry, registry.Reference($"web@{amd64.Digest}"));
        await arm64.PushAsync(server.Registry, registry.Reference($"web@{arm64.Digest}"));
        var index = Oci.Registry.Manifest.Create(new Oci.Registry.ImageIndex(
        [
            amd64.Manifest.Descriptor with { Platform = new Oci.Registry.Platform("arm64", "linux") },
            amd64.Manifest.Descriptor with { Digest = arm64.Digest, Size = arm64.Manifest.Size, Platform = new Oci.Registry.Platform("arm64", "linux") { Variant = "v8" } },
        ]) { MediaType = Oci.Registry.MediaTypes.OciIndex });
        var indexWithAmd64 = Oci.Registry.Manifest.Create(new Oci.Registry.ImageIndex(
        [
            arm64.Manifest.Descriptor with { Platform = new Oci.Registry.Platform("arm64", "linux") },
            amd64.Manifest.Descriptor with { Platform = new Oci.Registry.Platform("amd64", "linux") },
        ]) { MediaType = Oci.Registry.MediaTypes.OciIndex });
        await server.Registry.PutManifestAsync(registry.Reference("web:arm-only"), index, CancellationToken.None);
        await server.Registry.PutManifestAsync(registry.Reference("web:multi"), indexWithAmd64, CancellationToken.None);

        var sbom = await server.CallAsync<SbomView>(HttpMethod.Post, "/api/v1/images/sbom", new ImageRequest($"{registry.Address}/web:multi"));
        var (status, refused) = await server.SendAsync(HttpMethod.Post, "/api/v1/images/sbom", new ImageRequest($"{registry.Address}/web:arm-only"));

        Assert.Equal((indexWithAmd64.Digest.ToString(), amd64.Digest.ToString()), (sbom.Digest, sbom.Platform));
        Assert.Equal(["libssl3", "tar"], sbom.Components.Select(c => c.Name).Order());
        Assert.NotNull(await server.Registry.HeadManifestAsync(registry.Reference($"web:{SbomAttachment.Tag(indexWithAmd64.Digest)}"), CancellationToken.None));
        Assert.Equal(422, status);
        Assert.Contains("without a linux/amd64 image (it has linux/arm64, linux/arm64/v8)", refused.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_image_that_is_not_there_is_a_404_naming_it()
    {
        await using var registry = await Registry.StartAsync();
        await using var server = await SupplyServer.StartAsync(null, registry);

        var (status, body) = await server.SendAsync(HttpMethod.Post, "/api/v1/images/sbom", new ImageRequest($"{registry.Address}/team/web:v9"));

        Assert.Equal(404, status);
        Assert.Contains("v9", body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
