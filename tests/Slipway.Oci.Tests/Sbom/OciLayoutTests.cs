using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using Slipway.Oci.Sbom;

namespace Slipway.Oci.Tests.Sbom;

/// <summary>Images made by umoci, an independent OCI tool: its layers, gzip and whiteouts are its own, not ours.</summary>
public sealed class OciLayoutTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("slipway-oci-layout-");

    [Fact]
    public async Task An_image_built_by_umoci_is_catalogued_through_its_layers_and_whiteouts()
    {
        var layout = Path.Combine(_root.FullName, "image");
        await UmociAsync("init", "--layout", layout);
        await UmociAsync("new", "--image", layout + ":app");

        // Layer 1: a Debian base with a Python package and an npm package.
        var rootfs = await UnpackAsync(layout, "one");
        Write(rootfs, "etc/os-release", SampleFiles.OsRelease);
        Write(rootfs, "var/lib/dpkg/status", SampleFiles.DpkgStatus);
        Write(rootfs, "usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA", SampleFiles.PythonMetadata("six", "1.16.0"));
        Write(rootfs, "srv/node_modules/lodash/package.json", SampleFiles.PackageJson("lodash", "4.17.20"));
        await UmociAsync("repack", "--image", layout + ":app", Path.GetDirectoryName(rootfs)!);

        // Layer 2: lodash deleted (umoci writes a whiteout), the .NET app added.
        rootfs = await UnpackAsync(layout, "two");
        Directory.Delete(Path.Combine(rootfs, "srv/node_modules/lodash"), recursive: true);
        Write(rootfs, "app/Web.deps.json", SampleFiles.DepsJson);
        await UmociAsync("repack", "--image", layout + ":app", Path.GetDirectoryName(rootfs)!);

        var (manifest, layers) = await OciLayout.ReadAsync(layout, "app", CancellationToken.None);
        var result = await new SbomGenerator(new FakeTimeProvider()).ForImageAsync(
            SbomSubject.ForImage(ImageReference.Parse("localhost:17500/app"), manifest), layers, CancellationToken.None);

        Assert.Equal(2, layers.Count);
        Assert.All(layers, l => Assert.Equal("application/vnd.oci.image.layer.v1.tar+gzip", l.MediaType));
        Assert.Equal(
            [
                "pkg:deb/debian/bsdutils@1:2.38.1-5%2Bb1?arch=amd64&distro=debian-12&upstream=util-linux%402.38.1-5",
                "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl",
                "pkg:deb/debian/tar@1.34%2Bdfsg-1.2%2Bdeb12u1?arch=amd64&distro=debian-12",
                "pkg:nuget/Newtonsoft.Json@12.0.3",
                "pkg:nuget/System.Text.Json@8.0.4-rc.1",
                "pkg:pypi/six@1.16.0",
            ],
            result.Sbom.Components.Select(c => c.BomRef));
        Assert.Equal(manifest, result.Sbom.Subject!.Digest);
    }

    [Fact]
    public async Task A_layout_without_the_tag_says_which_tags_it_has()
    {
        var layout = Path.Combine(_root.FullName, "image");
        await UmociAsync("init", "--layout", layout);
        await UmociAsync("new", "--image", layout + ":app");

        var error = await Assert.ThrowsAsync<FormatException>(() => OciLayout.ReadAsync(layout, "web", CancellationToken.None));

        Assert.Contains("no manifest tagged 'web': it has app", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _root.Delete(recursive: true);

    private async Task<string> UnpackAsync(string layout, string name)
    {
        var bundle = Path.Combine(_root.FullName, name);
        await UmociAsync("unpack", "--rootless", "--image", layout + ":app", bundle);
        return Path.Combine(bundle, "rootfs");
    }

    private static void Write(string rootfs, string path, string content)
    {
        var full = Path.Combine(rootfs, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }

    private static async Task UmociAsync(params string[] args)
    {
        var start = new ProcessStartInfo("umoci", args) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"umoci {string.Join(' ', args)}: {await stderr}");
    }
}
