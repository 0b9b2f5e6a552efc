using Slipway.Oci.Vulnerabilities;

namespace Slipway.Oci.Tests.Vulnerabilities;

/// <summary>Each ecosystem's order, as lists its own tools sort the same way (dpkg --compare-versions, semver.org §11,
/// PEP 440's examples, NuGet's rules). Every pair of a list is checked both ways.</summary>
public sealed class VersionOrderTests
{
    [Theory]
    [InlineData("1.0~rc1", "1.0", "1.0-1", "1.0a", "1.0+deb12u1", "1.0.1", "1.10", "1:0.1")]
    [InlineData("3.0.11-1~deb12u1", "3.0.11-1~deb12u2", "3.0.11-1", "3.0.13-1~deb12u1")]
    [InlineData("2.38.1-5", "2.38.1-5+b1", "2.40-1", "1:2.38.1-5", "1:2.38.1-5+b1", "2:0")]
    [InlineData("1.2.3~~", "1.2.3~~a", "1.2.3~", "1.2.3", "1.2.3-0.1", "1.2.3-1")]
    [InlineData("9", "10", "010a", "100")]
    public void Debian_versions_sort_as_dpkg_sorts_them(params string[] ascending)
    {
        AssertAscending(DebianVersion.Scheme, ascending);
        for (var i = 1; i < ascending.Length; i++)
        {
            Assert.True(Dpkg(ascending[i - 1], "lt", ascending[i]), $"dpkg --compare-versions {ascending[i - 1]} lt {ascending[i]} is false"); // the independent check
        }
    }

    [Theory]
    [InlineData("1:1.2.13.dfsg-1", "1.2.13.dfsg-9")]
    [InlineData("2.36-9+deb12u4", "2.36-9+deb12u10")]
    [InlineData("7.88.1-10+deb12u12", "7.88.1-10+deb12u5")]
    [InlineData("1.0~", "1.0~~")]
    [InlineData("1.2.3", "1.2.3-0")]
    [InlineData("0:1.0", "1.0")]
    public void Debian_versions_agree_with_dpkg_compare_versions_on_this_machine(string a, string b)
    {
        var ours = Compare(DebianVersion.Scheme, a, b);
        Assert.Equal(Dpkg(a, "lt", b), ours < 0);
        Assert.Equal(Dpkg(a, "eq", b), ours == 0);
        Assert.Equal(Dpkg(a, "gt", b), ours > 0);
    }

    [Theory]
    [InlineData("1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0")]
    [InlineData("0.9.9", "1.0.0", "1.2.0", "1.10.0", "2.0.0-beta.1", "2.0.0", "10.0.0")]
    [InlineData("4.17.20", "4.17.21-0", "4.17.21")]
    public void Semver_versions_sort_by_precedence_prereleases_first(params string[] ascending) =>
        AssertAscending(SemanticVersion.Scheme, ascending);

    [Theory]
    [InlineData("1.0.0+build.1", "1.0.0+build.2")]
    [InlineData("v1.2.3", "1.2.3")]
    [InlineData("=1.2.3", "1.2.3")]
    public void Semver_ignores_build_metadata_and_npm_prefixes(string a, string b) =>
        Assert.Equal(0, Compare(SemanticVersion.Scheme, a, b));

    [Theory]
    [InlineData("1.0")]
    [InlineData("01.2.3")]
    [InlineData("github:user/repo#abc")]
    public void Semver_refuses_what_is_not_semver(string text) =>
        Assert.False(SemanticVersion.Scheme.TryParse(text, out _));

    [Theory]
    [InlineData("1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456", "1.0a12", "1.0b1.dev456", "1.0b2", "1.0b2.post345.dev456", "1.0b2.post345", "1.0rc1.dev456", "1.0rc1", "1.0", "1.0+abc.5", "1.0+abc.7", "1.0+5", "1.0.post456.dev34", "1.0.post456", "1.0.15", "1.1.dev1")]
    [InlineData("2.31.0", "2.32.0rc1", "2.32.0", "2.32.0.post1", "1!0.1")]
    [InlineData("4.1", "4.2a1", "4.2", "4.2.10", "4.2.11")]
    public void Pep440_versions_sort_as_the_spec_lists_them(params string[] ascending) =>
        AssertAscending(Pep440Version.Scheme, ascending);

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
        Assert.Equal(0, Compare(Pep440Version.Scheme, a, b));

    [Theory]
    [InlineData("8.0.0-preview.1", "8.0.0-preview.2", "8.0.0-preview.10", "8.0.0-rc.1", "8.0.0", "8.0.4-rc.1", "8.0.4", "8.0.4.1", "8.1")]
    [InlineData("12.0.3", "13.0.1-beta1", "13.0.1", "13.0.2")]
    public void Nuget_versions_sort_with_four_parts_and_prerelease_labels(params string[] ascending) =>
        AssertAscending(NuGetVersion.Scheme, ascending);

    [Theory]
    [InlineData("13.0.1", "13.0.1.0")]
    [InlineData("13.0", "13.0.0")]
    [InlineData("1.0.0-RC.1", "1.0.0-rc.1")]
    [InlineData("1.0.0+sha.abc", "1.0.0")]
    public void Nuget_reads_missing_parts_as_zero_and_labels_without_case(string a, string b) =>
        Assert.Equal(0, Compare(NuGetVersion.Scheme, a, b));

    private static void AssertAscending(IVersionScheme scheme, string[] ascending)
    {
        for (var i = 0; i < ascending.Length; i++)
        {
            for (var j = 0; j < ascending.Length; j++)
            {
                var expected = i.CompareTo(j);
                Assert.True(Math.Sign(Compare(scheme, ascending[i], ascending[j])) == expected, $"{ascending[i]} vs {ascending[j]}: expected {expected}");
            }
        }
    }

    private static int Compare(IVersionScheme scheme, string a, string b)
    {
        Assert.True(scheme.TryParse(a, out var x), $"{a} did not parse");
        Assert.True(scheme.TryParse(b, out var y), $"{b} did not parse");
        return x.CompareTo(y);
    }

    private static bool Dpkg(string a, string op, string b)
    {
        using var process = System.Diagnostics.Process.Start("dpkg", ["--compare-versions", a, op, b])!;
        process.WaitForExit();
        return process.ExitCode == 0;
    }
}
