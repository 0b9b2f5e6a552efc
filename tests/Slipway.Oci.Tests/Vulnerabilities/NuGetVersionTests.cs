using Slipway.Oci.Vulnerabilities;

namespace Slipway.Oci.Tests.Vulnerabilities;

/// <summary>NuGet's order: four-part versions, prerelease labels without case.</summary>
public sealed class NuGetVersionTests
{
    [Theory]
    [InlineData("8.0.0-preview.1", "8.0.0-preview.2", "8.0.0-preview.10", "8.0.0-rc.1", "8.0.0", "8.0.4-rc.1", "8.0.4", "8.0.4.1", "8.1")]
    [InlineData("12.0.3", "13.0.1-beta1", "13.0.1", "13.0.2")]
    public void Nuget_versions_sort_with_four_parts_and_prerelease_labels(params string[] ascending) =>
        VersionOrder.AssertAscending(NuGetVersion.Scheme, ascending);

    [Theory]
    [InlineData("13.0.1", "13.0.1.0")]
    [InlineData("13.0", "13.0.0")]
    [InlineData("1.0.0-RC.1", "1.0.0-rc.1")]
    [InlineData("1.0.0+sha.abc", "1.0.0")]
    public void Nuget_reads_missing_parts_as_zero_and_labels_without_case(string a, string b) =>
        Assert.Equal(0, VersionOrder.Compare(NuGetVersion.Scheme, a, b));
}
