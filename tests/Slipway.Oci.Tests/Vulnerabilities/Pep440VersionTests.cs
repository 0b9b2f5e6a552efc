using Slipway.Oci.Vulnerabilities;

namespace Slipway.Oci.Tests.Vulnerabilities;

/// <summary>PEP 440's order and normalization, with the spec's own example list.</summary>
public sealed class Pep440VersionTests
{
    [Theory]
    [InlineData("1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456", "1.0a12", "1.0b1.dev456", "1.0b2", "1.0b2.post345.dev456", "1.0b2.post345", "1.0rc1.dev456", "1.0rc1", "1.0", "1.0+abc.5", "1.0+abc.7", "1.0+5", "1.0.post456.dev34", "1.0.post456", "1.0.15", "1.1.dev1")]
    [InlineData("2.31.0", "2.32.0rc1", "2.32.0", "2.32.0.post1", "1!0.1")]
    [InlineData("4.1", "4.2a1", "4.2", "4.2.10", "4.2.11")]
    public void Pep440_versions_sort_as_the_spec_lists_them(params string[] ascending) =>
        VersionOrder.AssertAscending(Pep440Version.Scheme, ascending);

    [Theory]
    [InlineData("1.0", "1.0.0")]
    [InlineData("1.0-alpha1", "1.0a1")]
    [InlineData("1.0.BETA.2", "1.0b2")]
    [InlineData("1.0c1", "1.0rc1")]
    [InlineData("1.0-1", "1.0.post1")]
    [InlineData("1.0-r1", "1.0.post1")]
    [InlineData("v1.0", "1.0")]
    [InlineData("0!1.0", "1.0")]
    public void Pep440_normalizes_alternate_spellings(string a, string b) =>
        Assert.Equal(0, VersionOrder.Compare(Pep440Version.Scheme, a, b));
}
