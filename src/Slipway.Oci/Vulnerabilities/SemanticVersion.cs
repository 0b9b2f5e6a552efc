using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Slipway.Oci.Vulnerabilities;

/// <summary>
/// A Semantic Versioning 2.0.0 version, as npm and OSV's SEMVER ranges use it: <c>MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]</c>
/// (npm's leading 'v' or '=' accepted). Precedence (semver.org §11): the three numbers, then a prerelease sorts before
/// its release; prerelease identifiers compare one by one, numbers numerically and below words, words in ASCII order,
/// and a shorter list first when all else is equal — <c>1.0.0-alpha &lt; 1.0.0-alpha.1 &lt; 1.0.0-beta.2 &lt;
/// 1.0.0-beta.11 &lt; 1.0.0-rc.1 &lt; 1.0.0</c>. Build metadata does not count.
/// </summary>
internal sealed partial record SemanticVersion(string Major, string Minor, string Patch, IReadOnlyList<string> Prerelease) : IComparable<SemanticVersion>, IComparable
{
    public static IVersionScheme Scheme { get; } = new VersionScheme<SemanticVersion>(TryParse);

    public static bool TryParse(string text, [NotNullWhen(true)] out SemanticVersion? version)
    {
        version = null;
        var match = Pattern().Match(text.Trim());
        if (!match.Success)
        {
            return false;
        }

        var pre = match.Groups["pre"].Success ? match.Groups["pre"].Value.Split('.') : [];
        version = new SemanticVersion(match.Groups["major"].Value, match.Groups["minor"].Value, match.Groups["patch"].Value, pre);
        return true;
    }

    public int CompareTo(SemanticVersion? other)
    {
        if (other is null)
        {
            return 1;
        }

        var byCore = NumericText.Compare(Major, other.Major);
        byCore = byCore != 0 ? byCore : NumericText.Compare(Minor, other.Minor);
        byCore = byCore != 0 ? byCore : NumericText.Compare(Patch, other.Patch);
        if (byCore != 0)
        {
            return byCore;
        }

        if (Prerelease.Count == 0 || other.Prerelease.Count == 0)
        {
            return other.Prerelease.Count.CompareTo(Prerelease.Count); // a release sorts after its prereleases
        }

        for (var i = 0; i < Math.Min(Prerelease.Count, other.Prerelease.Count); i++)
        {
            var byIdentifier = CompareIdentifiers(Prerelease[i], other.Prerelease[i]);
            if (byIdentifier != 0)
            {
                return byIdentifier;
            }
        }

        return Prerelease.Count.CompareTo(other.Prerelease.Count);
    }

    public int CompareTo(object? obj) => CompareTo(obj as SemanticVersion);

    public override string ToString() => $"{Major}.{Minor}.{Patch}" + (Prerelease.Count == 0 ? "" : "-" + string.Join('.', Prerelease));

    public bool Equals(SemanticVersion? other) => other is not null && CompareTo(other) == 0;

    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);

    private static int CompareIdentifiers(string a, string b)
    {
        var aNumeric = NumericText.IsDigits(a);
        var bNumeric = NumericText.IsDigits(b);
        return (aNumeric, bNumeric) switch
        {
            (true, true) => NumericText.Compare(a, b),
            (true, false) => -1,
            (false, true) => 1,
            _ => string.CompareOrdinal(a, b),
        };
    }

    [GeneratedRegex(@"^[v=]?(?<major>0|[1-9]\d*)\.(?<minor>0|[1-9]\d*)\.(?<patch>0|[1-9]\d*)(?:-(?<pre>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
