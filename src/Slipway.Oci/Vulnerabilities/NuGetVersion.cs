using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Slipway.Oci.Vulnerabilities;

/// <summary>
/// A NuGet package version: SemVer 2.0 widened to NuGet's habits — one to four numbers (missing ones are 0, so
/// <c>1.0</c>, <c>1.0.0</c> and <c>1.0.0.0</c> are one version; the fourth is the legacy "revision"), and release
/// labels compared without regard to case (<c>1.0.0-RC.1</c> is <c>1.0.0-rc.1</c>), numbers numerically and before
/// words, a prerelease before its release. Metadata after '+' does not count.
/// </summary>
internal sealed partial record NuGetVersion(string[] Numbers, IReadOnlyList<string> Release) : IComparable<NuGetVersion>, IComparable
{
    public static IVersionScheme Scheme { get; } = new VersionScheme<NuGetVersion>(TryParse);

    public static bool TryParse(string text, [NotNullWhen(true)] out NuGetVersion? version)
    {
        version = null;
        var match = Pattern().Match(text.Trim());
        if (!match.Success)
        {
            return false;
        }

        var numbers = match.Groups["numbers"].Value.Split('.');
        var padded = numbers.Concat(Enumerable.Repeat("0", 4 - numbers.Length)).ToArray();
        version = new NuGetVersion(padded, match.Groups["release"].Success ? match.Groups["release"].Value.Split('.') : []);
        return true;
    }

    public int CompareTo(NuGetVersion? other)
    {
        if (other is null)
        {
            return 1;
        }

        for (var i = 0; i < 4; i++)
        {
            var byNumber = NumericText.Compare(Numbers[i], other.Numbers[i]);
            if (byNumber != 0)
            {
                return byNumber;
            }
        }

        if (Release.Count == 0 || other.Release.Count == 0)
        {
            return other.Release.Count.CompareTo(Release.Count);
        }

        for (var i = 0; i < Math.Min(Release.Count, other.Release.Count); i++)
        {
            var a = Release[i];
            var b = other.Release[i];
            var aNumeric = NumericText.IsDigits(a);
            var bNumeric = NumericText.IsDigits(b);
            var byLabel = (aNumeric, bNumeric) switch
            {
                (true, true) => NumericText.Compare(a, b),
                (true, false) => -1,
                (false, true) => 1,
                _ => string.Compare(a, b, StringComparison.OrdinalIgnoreCase),
            };
            if (byLabel != 0)
            {
                return byLabel;
            }
        }

        return Release.Count.CompareTo(other.Release.Count);
    }

    public int CompareTo(object? obj) => CompareTo(obj as NuGetVersion);

    public bool Equals(NuGetVersion? other) => other is not null && CompareTo(other) == 0;

    public override int GetHashCode() => string.Join('.', Numbers.Select(n => n.TrimStart('0'))).GetHashCode(StringComparison.Ordinal);

    public override string ToString() => string.Join('.', Numbers) + (Release.Count == 0 ? "" : "-" + string.Join('.', Release));

    [GeneratedRegex(@"^(?<numbers>\d+(?:\.\d+){0,3})(?:-(?<release>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-.]*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
