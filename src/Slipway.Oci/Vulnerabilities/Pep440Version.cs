using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Slipway.Oci.Vulnerabilities;

/// <summary>
/// A Python package version as PEP 440 defines it: <c>[N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]</c>, with the
/// spellings the spec normalizes (<c>alpha</c>, <c>beta</c>, <c>c</c>/<c>pre</c>/<c>preview</c>, <c>rev</c>/<c>r</c>,
/// <c>1.0-1</c> as a post-release, optional separators, a leading 'v', any case). Ordered as the packaging library
/// orders it: epoch; release (trailing zeros ignored: <c>1.0 == 1.0.0</c>); then a dev release of a final version
/// (<c>1.0.dev1</c>) before its prereleases, prereleases (a &lt; b &lt; rc) before the final, the final before its
/// post-releases; a dev release before what it leads to; a local version after the public one.
/// </summary>
internal sealed partial record Pep440Version : IComparable<Pep440Version>, IComparable
{
    private const int DevOnly = -1;
    private const int Final = 3;

    private Pep440Version(string epoch, string[] release, int preRank, string preNumber, string? post, string? dev, string[]? local)
    {
        Epoch = epoch;
        Release = release;
        PreRank = preRank;
        PreNumber = preNumber;
        Post = post;
        Dev = dev;
        Local = local;
    }

    public static IVersionScheme Scheme { get; } = new VersionScheme<Pep440Version>(TryParse);

    private string Epoch { get; }

    private string[] Release { get; }

    /// <summary>-1: a dev release with no pre or post (sorts first); 0, 1, 2: a, b, rc; 3: none (sorts after them).</summary>
    private int PreRank { get; }

    private string PreNumber { get; }

    private string? Post { get; }

    private string? Dev { get; }

    private string[]? Local { get; }

    public static bool TryParse(string text, [NotNullWhen(true)] out Pep440Version? version)
    {
        version = null;
        var m = Pattern().Match(text.Trim());
        if (!m.Success)
        {
            return false;
        }

        var release = m.Groups["release"].Value.Split('.');
        var length = release.Length;
        while (length > 1 && release[length - 1].TrimStart('0').Length == 0)
        {
            length--;
        }

        string? post = m.Groups["post_n1"].Success ? m.Groups["post_n1"].Value
            : m.Groups["post_l"].Success ? (m.Groups["post_n2"].Success ? m.Groups["post_n2"].Value : "0")
            : null;
        string? dev = m.Groups["dev_l"].Success ? (m.Groups["dev_n"].Success ? m.Groups["dev_n"].Value : "0") : null;
        var preRank = Final;
        if (m.Groups["pre_l"].Success)
        {
            preRank = m.Groups["pre_l"].Value.ToLowerInvariant() switch
            {
                "a" or "alpha" => 0,
                "b" or "beta" => 1,
                _ => 2,
            };
        }
        else if (post is null && dev is not null)
        {
            preRank = DevOnly;
        }

        version = new Pep440Version(
            m.Groups["epoch"].Success ? m.Groups["epoch"].Value : "0",
            release[..length],
            preRank,
            m.Groups["pre_n"].Success ? m.Groups["pre_n"].Value : "0",
            post,
            dev,
            m.Groups["local"].Success ? m.Groups["local"].Value.ToLowerInvariant().Split('.', '-', '_') : null);
        return true;
    }

    public int CompareTo(Pep440Version? other)
    {
        if (other is null)
        {
            return 1;
        }

        var c = NumericText.Compare(Epoch, other.Epoch);
        if (c != 0)
        {
            return c;
        }

        for (var i = 0; i < Math.Max(Release.Length, other.Release.Length); i++)
        {
            c = NumericText.Compare(i < Release.Length ? Release[i] : "0", i < other.Release.Length ? other.Release[i] : "0");
            if (c != 0)
            {
                return c;
            }
        }

        c = PreRank.CompareTo(other.PreRank);
        if (c != 0 || (PreRank is not DevOnly and not Final && (c = NumericText.Compare(PreNumber, other.PreNumber)) != 0))
        {
            return c;
        }

        c = (Post, other.Post) switch // no post-release sorts first
        {
            (null, null) => 0,
            (null, _) => -1,
            (_, null) => 1,
            _ => NumericText.Compare(Post, other.Post),
        };
        if (c != 0)
        {
            return c;
        }

        c = (Dev, other.Dev) switch // no dev release sorts last
        {
            (null, null) => 0,
            (null, _) => 1,
            (_, null) => -1,
            _ => NumericText.Compare(Dev, other.Dev),
        };
        return c != 0 ? c : CompareLocal(Local, other.Local);
    }

    public int CompareTo(object? obj) => CompareTo(obj as Pep440Version);

    public bool Equals(Pep440Version? other) => other is not null && CompareTo(other) == 0;

    public override int GetHashCode() => HashCode.Combine(Epoch.TrimStart('0'), string.Join('.', Release.Select(r => r.TrimStart('0'))), PreRank);

    /// <summary>Local segments: numbers above words, numbers numerically, words in order; a shorter list first.</summary>
    private static int CompareLocal(string[]? a, string[]? b)
    {
        if (a is null || b is null)
        {
            return (a is null).CompareTo(b is null) * -1;
        }

        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            var aNumeric = NumericText.IsDigits(a[i]);
            var bNumeric = NumericText.IsDigits(b[i]);
            var c = (aNumeric, bNumeric) switch
            {
                (true, true) => NumericText.Compare(a[i], b[i]),
                (true, false) => 1,
                (false, true) => -1,
                _ => string.CompareOrdinal(a[i], b[i]),
            };
            if (c != 0)
            {
                return c;
            }
        }

        return a.Length.CompareTo(b.Length);
    }

    [GeneratedRegex(
        @"^v?(?:(?<epoch>[0-9]+)!)?(?<release>[0-9]+(?:\.[0-9]+)*)" +
        @"(?<pre>[-_.]?(?<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<pre_n>[0-9]+)?)?" +
        @"(?<post>(?:-(?<post_n1>[0-9]+))|(?:[-_.]?(?<post_l>post|rev|r)[-_.]?(?<post_n2>[0-9]+)?))?" +
        @"(?<dev>[-_.]?(?<dev_l>dev)[-_.]?(?<dev_n>[0-9]+)?)?" +
        @"(?:\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?$",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();
}
