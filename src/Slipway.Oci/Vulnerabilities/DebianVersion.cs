using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Slipway.Oci.Vulnerabilities;

/// <summary>
/// A Debian package version, <c>[epoch:]upstream[-revision]</c>, ordered as dpkg orders it (deb-version(7)): epoch
/// numerically, then upstream and revision each by dpkg's verrevcmp — alternately a run of non-digits compared
/// character by character (letters before other characters, '~' before everything, even the end) and a run of digits
/// compared as a number. So <c>1.0~rc1 &lt; 1.0 &lt; 1.0+deb12u1 &lt; 1.0a &lt; 1:0.1</c>.
/// </summary>
internal sealed record DebianVersion(long Epoch, string Upstream, string Revision) : IComparable<DebianVersion>, IComparable
{
    public static IVersionScheme Scheme { get; } = new VersionScheme<DebianVersion>(TryParse);

    public static bool TryParse(string text, [NotNullWhen(true)] out DebianVersion? version)
    {
        version = null;
        text = text.Trim();
        long epoch = 0;
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            if (!long.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out epoch))
            {
                return false;
            }

            text = text[(colon + 1)..];
        }

        var dash = text.LastIndexOf('-');
        var upstream = dash < 0 ? text : text[..dash];
        var revision = dash < 0 ? "" : text[(dash + 1)..];
        if (upstream.Length == 0 || text.Any(char.IsWhiteSpace))
        {
            return false;
        }

        version = new DebianVersion(epoch, upstream, revision);
        return true;
    }

    public int CompareTo(DebianVersion? other)
    {
        if (other is null)
        {
            return 1;
        }

        var byEpoch = Epoch.CompareTo(other.Epoch);
        if (byEpoch != 0)
        {
            return byEpoch;
        }

        var byUpstream = VerRevCmp(Upstream, other.Upstream);
        return byUpstream != 0 ? byUpstream : VerRevCmp(Revision, other.Revision);
    }

    public int CompareTo(object? obj) => CompareTo(obj as DebianVersion);

    public override string ToString() => (Epoch == 0 ? "" : $"{Epoch}:") + Upstream + (Revision.Length == 0 ? "" : "-" + Revision);

    /// <summary>dpkg's lib/dpkg/version.c verrevcmp.</summary>
    private static int VerRevCmp(string a, string b)
    {
        int i = 0, j = 0;
        while (i < a.Length || j < b.Length)
        {
            while ((i < a.Length && !char.IsAsciiDigit(a[i])) || (j < b.Length && !char.IsAsciiDigit(b[j])))
            {
                var ac = Order(a, i);
                var bc = Order(b, j);
                if (ac != bc)
                {
                    return ac - bc;
                }

                i++;
                j++;
            }

            while (i < a.Length && a[i] == '0')
            {
                i++;
            }

            while (j < b.Length && b[j] == '0')
            {
                j++;
            }

            var firstDiff = 0;
            while (i < a.Length && j < b.Length && char.IsAsciiDigit(a[i]) && char.IsAsciiDigit(b[j]))
            {
                if (firstDiff == 0)
                {
                    firstDiff = a[i] - b[j];
                }

                i++;
                j++;
            }

            if (i < a.Length && char.IsAsciiDigit(a[i]))
            {
                return 1;
            }

            if (j < b.Length && char.IsAsciiDigit(b[j]))
            {
                return -1;
            }

            if (firstDiff != 0)
            {
                return firstDiff;
            }
        }

        return 0;
    }

    /// <summary>The weight of the character at <paramref name="index"/>: the end and digits 0, letters themselves,
    /// '~' below all, anything else above all letters.</summary>
    private static int Order(string s, int index)
    {
        if (index >= s.Length)
        {
            return 0;
        }

        var c = s[index];
        return char.IsAsciiDigit(c) ? 0 : char.IsAsciiLetter(c) ? c : c == '~' ? -1 : c + 256;
    }
}
