using Slipway.Server.Supply;
using Slipway.Server.Tests.Supply.Support;
using Slipway.Server.Tests.Support;

namespace Slipway.Server.Tests.Supply;

/// <summary>
/// <c>GET /api/v1/images?uses=PACKAGE[@VERSION]</c> on a real server: an app whose revision pins an image with an SBOM is
/// found by a package of that SBOM, its running revision marked.
/// </summary>
public sealed class ImageUsesTests
{
    [Fact]
    public async Task Uses_finds_the_revision_that_runs_an_image_carrying_the_package()
    {
        await using var registry = await Registry.StartAsync();
        await using var server = await SupplyServer.StartAsync(null, registry);
        var image = DebianImage.Create();
        await image.PushAsync(server.Registry, registry.Reference("team/web:v1"));
        await server.CallAsync<SbomView>(HttpMethod.Post, "/api/v1/images/sbom", new ImageRequest($"{registry.Address}/team/web:v1"));

        await server.ApplyAsync($"""
            apiVersion: slipway.dev/v1alpha1
            kind: Application
            metadata:
              name: web
            spec:
              artifact:
                image: {registry.Address}/team/web:v1
              replicas: 0
            """);

        var use = Assert.Single(await Eventually.ResultAsync(
            () => server.CallAsync<List<PackageUseView>>(HttpMethod.Get, $"/api/v1/images?uses=libssl3@{Uri.EscapeDataString(DebianImage.LibsslVersion)}"),
            uses => uses.Count == 1 && uses[0].Running == "stable",
            "web's revision 1 stable and found by libssl3"));
        Assert.Equal(("web", "dev", 1, image.Digest.ToString(), "Debian", "libssl3"), (use.App, use.Environment, use.Revision, use.Digest, use.Ecosystem, use.Package));
        Assert.Empty(await server.CallAsync<List<PackageUseView>>(HttpMethod.Get, "/api/v1/images?uses=libssl3@1.0"));
        Assert.Empty(await server.CallAsync<List<PackageUseView>>(HttpMethod.Get, "/api/v1/images?uses=pkg:npm/libssl3"));
        Assert.Single(await server.CallAsync<List<PackageUseView>>(HttpMethod.Get, "/api/v1/images?uses=pkg:deb/debian/libssl3"));
    }
}
