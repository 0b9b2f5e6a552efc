using Slipway.Oci.Vulnerabilities;

namespace Slipway.Oci.Tests.Vulnerabilities;

/// <summary>Checks a list said to be ascending: every pair, both ways.</summary>
internal static class VersionOrder
{
    public static void AssertAscending(IVersionScheme scheme, string[] ascending)
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

    public static int Compare(IVersionScheme scheme, string a, string b)
    {
        Assert.True(scheme.TryParse(a, out var x), $"{a} did not parse");
        Assert.True(scheme.TryParse(b, out var y), $"{b} did not parse");
        return x.CompareTo(y);
    }

    public static bool Dpkg(string a, string op, string b)
    {
        using var process = System.Diagnostics.Process.Start("dpkg", ["--compare-versions", a, op, b])!;
        process.WaitForExit();
        return process.ExitCode == 0;
    }
}
