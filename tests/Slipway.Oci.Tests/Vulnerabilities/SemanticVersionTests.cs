using Slipway.Oci.Vulnerabilities;

namespace Slipway.Oci.Tests.Vulnerabilities;

/// <summary>SemVer 2.0 precedence (semver.org §11), as npm and OSV SEMVER ranges use it.</summary>
public sealed class SemanticVersionTests
{
    [Theory]
    [InlineData("1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0")]
    [InlineData("0.9.9", "1.0.0", "1.2.0", "1.10.0", "2.0.0-beta.1", "2.0.0", "10.0.0")]
    [InlineData("4.17.20", "4.17.21-0", "4.17.21")]
    public void Semver_versions_sort_by_precedence_prereleases_first(params string[] ascending) =>
        VersionOrder.AssertAscending(SemanticVersion.Scheme, ascending);

    [Theory]
    [InlineData("1.0.0+build.1", "1.0.0+build.2")]
    [InlineData("v1.2.3", "1.2.3")]
    [InlineData("=1.2.3", "1.2.3")]
    public void Semver_ignores_build_metadata_and_npm_prefixes(string a, string b) =>
        Assert.Equal(0, VersionOrder.Compare(SemanticVersion.Scheme, a, b));

    [Theory]
    [InlineData("1.0")]
    [InlineData("01.2.3")]
    [InlineData("github:user/repo#abc")]
    public void Semver_refuses_what_is_not_semver(string text) =>
        Assert.False(SemanticVersion.Scheme.TryParse(text, out _));
}
