using System.Diagnostics;
using System.Text;
using Slipway.Oci.Sbom;

namespace Slipway.Oci.Tests.Sbom;

public sealed class DpkgCataloguerTests
{
    [Fact]
    public void Installed_packages_become_deb_purls_with_arch_distro_and_source()
    {
        var catalogue = TestFiles.Catalogue(("etc/os-release", SampleFiles.OsRelease), ("var/lib/dpkg/status", SampleFiles.DpkgStatus));

        Assert.Equal(
            """
            pkg:deb/debian/bsdutils@1:2.38.1-5%2Bb1?arch=amd64&distro=debian-12&upstream=util-linux%402.38.1-5
            pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl
            pkg:deb/debian/tar@1.34%2Bdfsg-1.2%2Bdeb12u1?arch=amd64&distro=debian-12
            """,
            TestFiles.Purls(catalogue)); // vim-tiny was removed: only its config files are left
        var libssl = catalogue.Components.Single(c => c.Name == "libssl3");
        Assert.Equal("3.0.11-1~deb12u2", libssl.Version);
        Assert.Equal(["/var/lib/dpkg/status"], libssl.Locations);
        Assert.Equal(("openssl", "3.0.11-1~deb12u2"), libssl.Source);
        Assert.Equal(("util-linux", "2.38.1-5"), catalogue.Components.Single(c => c.Name == "bsdutils").Source);
    }

    [Fact]
    public void A_distroless_status_d_is_read_file_by_file_and_md5sums_are_not()
    {
        var catalogue = TestFiles.Catalogue(
            ("usr/lib/os-release", SampleFiles.OsRelease),
            ("var/lib/dpkg/status.d/base-files", SampleFiles.DistrolessStatus),
            ("var/lib/dpkg/status.d/base-files.md5sums", "d41d8cd98f00b204e9800998ecf8427e  etc/issue"));

        Assert.Equal("pkg:deb/debian/base-files@12.4%2Bdeb12u5?arch=amd64&distro=debian-12", TestFiles.Purls(catalogue));
        Assert.Empty(catalogue.Notes);
    }

    [Fact]
    public void Without_os_release_the_namespace_is_debian_and_there_is_no_distro()
    {
        var catalogue = TestFiles.Catalogue(("var/lib/dpkg/status.d/base-files", SampleFiles.DistrolessStatus));

        Assert.Equal("pkg:deb/debian/base-files@12.4%2Bdeb12u5?arch=amd64", TestFiles.Purls(catalogue));
    }

    [Fact]
    public async Task This_machines_dpkg_database_is_catalogued_package_for_package_as_dpkg_query_lists_it()
    {
        Assert.True(File.Exists("/var/lib/dpkg/status"), "this test reads the machine's own Debian packages");
        var files = TestFiles.Of(
            ("var/lib/dpkg/status", await File.ReadAllTextAsync("/var/lib/dpkg/status")),
            ("etc/os-release", await File.ReadAllTextAsync("/etc/os-release")));

        var catalogue = new Cataloguers().Catalogue(files);

        var expected = (await DpkgQueryAsync()).Order(StringComparer.Ordinal).ToList();
        var actual = catalogue.Components.Select(c => $"{c.Name}:{c.Purl.Qualifier("arch")}={c.Version}").Order(StringComparer.Ordinal).ToList();
        Assert.True(expected.Count > 50, $"dpkg-query listed only {expected.Count} packages");
        Assert.Equal(expected, actual);
        var release = OsRelease.Parse(await File.ReadAllTextAsync("/etc/os-release"))!;
        Assert.All(catalogue.Components, c => Assert.Equal(release.Distro, c.Purl.Qualifier("distro")));
        Assert.Empty(catalogue.Notes);
    }

    [Fact]
    public async Task This_machines_packages_read_through_a_layer_gnu_tar_wrote_are_the_same()
    {
        var layer = Path.Combine(Path.GetTempPath(), $"slipway-sbom-{Guid.NewGuid():N}.tar.gz");
        try
        {
            // GNU tar, not ours: its headers, its gzip, and the machine's own /etc/os-release link to ../usr/lib/os-release.
            var tar = Process.Start(new ProcessStartInfo("tar", ["-czf", layer, "-C", "/", "etc/os-release", "usr/lib/os-release", "var/lib/dpkg/status"]) { RedirectStandardError = true })!;
            await tar.WaitForExitAsync();
            Assert.Equal(0, tar.ExitCode);

            var result = await new SbomGenerator(TimeProvider.System).ForImageAsync(
                SbomSubject.ForImage(ImageReference.Parse("localhost:17500/this-machine"), Digest.Sha256("m"u8)),
                [LayerSource.FromFile(layer, "application/vnd.oci.image.layer.v1.tar+gzip")],
                CancellationToken.None);

            var expected = (await DpkgQueryAsync()).Order(StringComparer.Ordinal);
            Assert.Equal(expected, result.Sbom.Components.Select(c => $"{c.Name}:{c.Purl.Qualifier("arch")}={c.Version}").Order(StringComparer.Ordinal));
            var release = OsRelease.Parse(await File.ReadAllTextAsync("/etc/os-release"))!;
            Assert.All(result.Sbom.Components, c => Assert.Equal(release.Distro, c.Purl.Qualifier("distro"))); // through the link
            Assert.Empty(result.Notes);
        }
        finally
        {
            File.Delete(layer);
        }
    }

    /// <summary>The installed packages by dpkg itself, the independent check: NAME:ARCH=VERSION.</summary>
    private static async Task<List<string>> DpkgQueryAsync()
    {
        var start = new ProcessStartInfo("dpkg-query", ["-W", "-f", "${db:Status-Status} ${Package}:${Architecture}=${Version}\\n"])
        {
            RedirectStandardOutput = true,
            StandardOutputEncoding = Encoding.UTF8,
        };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("installed ", StringComparison.Ordinal)).Select(l => l["installed ".Length..])];
    }
}
