using Slipway.Oci.Vulnerabilities;

namespace Slipway.Oci.Tests.Vulnerabilities;

/// <summary>dpkg's order (deb-version(7)), checked against dpkg --compare-versions on this machine.</summary>
public sealed class DebianVersionTests
{
    [Theory]
    [InlineData("1.0~rc1", "1.0", "1.0-1", "1.0a", "1.0+deb12u1", "1.0.1", "1.10", "1:0.1")]
    [InlineData("3.0.11-1~deb12u1", "3.0.11-1~deb12u2", "3.0.11-1", "3.0.13-1~deb12u1")]
    [InlineData("2.38.1-5", "2.38.1-5+b1", "2.40-1", "1:2.38.1-5", "1:2.38.1-5+b1", "2:0")]
    [InlineData("1.2.3~~", "1.2.3~~a", "1.2.3~", "1.2.3", "1.2.3-0.1", "1.2.3-1")]
    [InlineData("9", "10", "010a", "100")]
    public void Debian_versions_sort_as_dpkg_sorts_them(params string[] ascending)
    {
        VersionOrder.AssertAscending(DebianVersion.Scheme, ascending);
        for (var i = 1; i < ascending.Length; i++)
        {
            Assert.True(VersionOrder.Dpkg(ascending[i - 1], "lt", ascending[i]), $"dpkg --compare-versions {ascending[i - 1]} lt {ascending[i]} is false"); // the independent check
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
        var ours = VersionOrder.Compare(DebianVersion.Scheme, a, b);
        Assert.Equal(VersionOrder.Dpkg(a, "lt", b), ours < 0);
        Assert.Equal(VersionOrder.Dpkg(a, "eq", b), ours == 0);
        Assert.Equal(VersionOrder.Dpkg(a, "gt", b), ours > 0);
    }
}
