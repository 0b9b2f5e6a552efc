namespace Slipway.Oci.Vulnerabilities;

/// <summary>Compares strings of ASCII digits as numbers of any length (version parts outgrow a long: dates, build numbers).</summary>
internal static class NumericText
{
    public static bool IsDigits(string s) => s.Length > 0 && s.All(char.IsAsciiDigit);

    public static int Compare(string a, string b)
    {
        a = a.TrimStart('0');
        b = b.TrimStart('0');
        return a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b);
    }
}
