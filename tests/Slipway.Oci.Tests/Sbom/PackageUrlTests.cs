using Slipway.Oci.Sbom;

namespace Slipway.Oci.Tests.Sbom;

public sealed class PackageUrlTests
{
    [Theory]
    [InlineData("pkg:deb/debian/bsdutils@1:2.38.1-5%2Bb1?arch=amd64&distro=debian-12&upstream=util-linux%402.38.1-5", "deb", "debian", "bsdutils", "1:2.38.1-5+b1")]
    [InlineData("pkg:npm/%40acme/widget@2.0.0-beta.2", "npm", "@acme", "widget", "2.0.0-beta.2")]
    [InlineData("pkg:nuget/Newtonsoft.Json@12.0.3", "nuget", null, "Newtonsoft.Json", "12.0.3")]
    [InlineData("pkg:pypi/typing-extensions@4.9.0", "pypi", null, "typing-extensions", "4.9.0")]
    [InlineData("pkg:oci/web@sha256:0123?repository_url=localhost:5000/team/web", "oci", null, "web", "sha256:0123")]
    public void Parses_and_prints_back_canonical_purls(string text, string type, string? ns, string name, string version)
    {
        var purl = PackageUrl.Parse(text);

        Assert.Equal((type, ns, name, version), (purl.Type, purl.Namespace, purl.Name, purl.Version));
        Assert.Equal(text, purl.ToString());
    }

    [Fact]
    public void Qualifiers_are_sorted_and_empty_ones_dropped_so_equal_purls_are_equal_strings()
    {
        var a = new PackageUrl("DEB", "debian", "tar", "1.34", [new("distro", "debian-12"), new("arch", "amd64"), new("upstream", "")]);
        var b = PackageUrl.Parse("pkg:deb/debian/tar@1.34?distro=debian-12&arch=amd64");

        Assert.Equal("pkg:deb/debian/tar@1.34?arch=amd64&distro=debian-12", a.ToString());
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Theory]
    [InlineData("npm/lodash@1", "not a package URL")]
    [InlineData("pkg:npm", "not a package URL")]
    [InlineData("pkg:npm/x?arch", "qualifier 'arch'")]
    public void Refuses_what_is_not_a_purl_and_says_what(string text, string expected)
    {
        Assert.False(PackageUrl.TryParse(text, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("openssl", "libssl3", true)]
    [InlineData("openssl@3.0.11-1~deb12u2", "libssl3", true)]
    [InlineData("libssl3@3.0.11-1~deb12u2", "libssl3", true)]
    [InlineData("LIBSSL3", "libssl3", true)]
    [InlineData("openssl@3.0.13", "libssl3", false)]
    [InlineData("pkg:npm/lodash", "libssl3", false)]
    [InlineData("pkg:npm/%40acme/widget@2.0.0-beta.2", "@acme/widget", true)]
    [InlineData("@acme/widget@2.0.0-beta.2", "@acme/widget", true)]
    [InlineData("@acme/widget", "@acme/widget", true)]
    [InlineData("widget", "@acme/widget", false)]
    public void A_package_query_finds_a_package_by_name_version_source_or_purl(string query, string component, bool matches)
    {
        var catalogue = TestFiles.Catalogue(("var/lib/dpkg/status", SampleFiles.DpkgStatus), ("package-lock.json", SampleFiles.PackageLockV3));

        Assert.Equal(matches, catalogue.Components.Where(c => c.Name == component).Any(PackageQuery.Parse(query).Matches));
    }
}
