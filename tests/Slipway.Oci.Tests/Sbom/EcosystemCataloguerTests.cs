using Slipway.Oci.Sbom;

namespace Slipway.Oci.Tests.Sbom;

public sealed class EcosystemCataloguerTests
{
    [Fact]
    public void Dotnet_deps_json_lists_its_nuget_packages_not_its_projects_or_references()
    {
        var catalogue = TestFiles.Catalogue(("app/Web.deps.json", SampleFiles.DepsJson));

        Assert.Equal(
            """
            pkg:nuget/Newtonsoft.Json@12.0.3
            pkg:nuget/System.Text.Json@8.0.4-rc.1
            """,
            TestFiles.Purls(catalogue));
        Assert.Equal(["/app/Web.deps.json"], catalogue.Components[0].Locations);
    }

    [Fact]
    public void A_v3_lock_file_lists_installed_packages_with_scopes_and_nesting_but_not_dev_links_or_workspaces()
    {
        var catalogue = TestFiles.Catalogue(("srv/web/package-lock.json", SampleFiles.PackageLockV3));

        Assert.Equal(
            """
            pkg:npm/%40acme/widget@2.0.0-beta.2
            pkg:npm/left-pad@1.2.5
            pkg:npm/lodash@4.17.20
            """,
            TestFiles.Purls(catalogue));
        Assert.Equal("@acme/widget", catalogue.Components[0].Name);
    }

    [Fact]
    public void A_v1_lock_file_is_read_through_its_nested_dependencies()
    {
        var catalogue = TestFiles.Catalogue(("package-lock.json", SampleFiles.PackageLockV1));

        Assert.Equal(
            """
            pkg:npm/express@4.17.1
            pkg:npm/qs@6.7.0
            """,
            TestFiles.Purls(catalogue));
    }

    [Fact]
    public void Installed_node_modules_are_read_at_package_roots_only_and_merge_with_the_lock_file()
    {
        var catalogue = TestFiles.Catalogue(
            ("srv/web/package-lock.json", SampleFiles.PackageLockV3),
            ("srv/web/node_modules/lodash/package.json", SampleFiles.PackageJson("lodash", "4.17.20")),
            ("srv/web/node_modules/@acme/widget/package.json", SampleFiles.PackageJson("@acme/widget", "2.0.0-beta.2")),
            ("srv/web/node_modules/@acme/widget/node_modules/left-pad/package.json", SampleFiles.PackageJson("left-pad", "1.2.5")),
            ("srv/web/node_modules/lodash/fp/package.json", SampleFiles.PackageJson("lodash-fp-internal", "0.0.0")),
            ("srv/web/node_modules/lodash/package-lock.json", SampleFiles.PackageLockV1),
            ("srv/web/node_modules/broken/package.json", "{ not json"));

        Assert.Equal(
            """
            pkg:npm/%40acme/widget@2.0.0-beta.2
            pkg:npm/left-pad@1.2.5
            pkg:npm/lodash@4.17.20
            """,
            TestFiles.Purls(catalogue));
        Assert.Equal(["/srv/web/node_modules/lodash/package.json", "/srv/web/package-lock.json"], catalogue.Components.Single(c => c.Name == "lodash").Locations);
        Assert.Contains(catalogue.Notes, n => n.StartsWith("/srv/web/node_modules/broken/package.json is not valid JSON", StringComparison.Ordinal));
    }

    [Fact]
    public void Python_dist_info_metadata_gives_pypi_purls_with_normalized_names()
    {
        var catalogue = TestFiles.Catalogue(
            ("usr/lib/python3/dist-packages/Typing_Extensions-4.9.0.dist-info/METADATA", SampleFiles.PythonMetadata("Typing_Extensions", "4.9.0")),
            ("app/.venv/lib/python3.11/site-packages/requests-2.32.0rc1.dist-info/METADATA", SampleFiles.PythonMetadata("requests", "2.32.0rc1")),
            ("app/x.dist-info/METADATA", "Metadata-Version: 2.1\nSummary: no name\n"));

        Assert.Equal(
            """
            pkg:pypi/requests@2.32.0rc1
            pkg:pypi/typing-extensions@4.9.0
            """,
            TestFiles.Purls(catalogue));
        Assert.Equal("Typing_Extensions", catalogue.Components[1].Name);
        Assert.Contains(catalogue.Notes, n => n.Contains("/app/x.dist-info/METADATA has no Name or Version", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("var/lib/dpkg/status", true)]
    [InlineData("var/lib/dpkg/status-old", false)]
    [InlineData("var/lib/dpkg/status.d/libc6", true)]
    [InlineData("var/lib/dpkg/status.d/libc6.md5sums", false)]
    [InlineData("etc/os-release", true)]
    [InlineData("app/Web.deps.json", true)]
    [InlineData("app/Web.runtimeconfig.json", false)]
    [InlineData("package-lock.json", true)]
    [InlineData("node_modules/.package-lock.json", false)]
    [InlineData("node_modules/a/package.json", true)]
    [InlineData("node_modules/@s/a/package.json", true)]
    [InlineData("node_modules/a/lib/package.json", false)]
    [InlineData("node_modules/.bin/package.json", false)]
    [InlineData("my_node_modules/a/package.json", false)]
    [InlineData("package.json", false)]
    [InlineData("site-packages/pip-24.0.dist-info/METADATA", true)]
    [InlineData("site-packages/pip-24.0.dist-info/RECORD", false)]
    [InlineData("usr/bin/bash", false)]
    public void Only_the_files_a_cataloguer_reads_are_wanted(string path, bool wanted) =>
        Assert.Equal(wanted, new Cataloguers().Wants(path));
}
