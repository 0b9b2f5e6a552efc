using System.Diagnostics.CodeAnalysis;

namespace Slipway.Oci.Vulnerabilities;

/// <summary>
/// The base score of a CVSS v3.0 or v3.1 vector (<c>CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H</c> is 9.8), computed
/// with the formulas and weights of the CVSS v3.1 specification, §7 — what OSV's <c>severity[].score</c> carries
/// instead of a number. Temporal and environmental metrics in the vector are read past; the eight base metrics must
/// all be there. The v3.1 Roundup (which avoids floating-point surprises) is used for 3.0 vectors too: their scores
/// can differ by 0.1 in rare cases.
/// </summary>
internal static class CvssV3
{
    public static bool TryBaseScore(string vector, out double score, [NotNullWhen(false)] out string? error)
    {
        score = 0;
        var parts = vector.Trim().Split('/');
        if (parts.Length == 0 || parts[0] is not ("CVSS:3.0" or "CVSS:3.1"))
        {
            error = $"'{vector}' is not a CVSS v3 vector: expected CVSS:3.1/AV:…";
            return false;
        }

        var metrics = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in parts.Skip(1))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                error = $"'{vector}': '{part}' is not METRIC:VALUE";
                return false;
            }

            metrics[part[..colon]] = part[(colon + 1)..];
        }

        string? missing = null;
        double Weight(string metric, Func<string, double?> weights)
        {
            if (metrics.TryGetValue(metric, out var value) && weights(value) is { } weight)
            {
                return weight;
            }

            missing ??= metric;
            return 0;
        }

        var changed = metrics.GetValueOrDefault("S") == "C";
        var av = Weight("AV", v => v switch { "N" => 0.85, "A" => 0.62, "L" => 0.55, "P" => 0.2, _ => null });
        var ac = Weight("AC", v => v switch { "L" => 0.77, "H" => 0.44, _ => null });
        var pr = Weight("PR", v => v switch { "N" => 0.85, "L" => changed ? 0.68 : 0.62, "H" => changed ? 0.5 : 0.27, _ => null });
        var ui = Weight("UI", v => v switch { "N" => 0.85, "R" => 0.62, _ => null });
        Weight("S", v => v is "U" or "C" ? 0 : null);
        var c = Weight("C", Impact);
        var i = Weight("I", Impact);
        var a = Weight("A", Impact);
        if (missing is not null)
        {
            error = $"'{vector}': base metric {missing} is missing or has an unknown value";
            return false;
        }

        var iss = 1 - ((1 - c) * (1 - i) * (1 - a));
        var impact = changed ? (7.52 * (iss - 0.029)) - (3.25 * Math.Pow(iss - 0.02, 15)) : 6.42 * iss;
        var exploitability = 8.22 * av * ac * pr * ui;
        score = impact <= 0 ? 0
            : changed ? Roundup(Math.Min(1.08 * (impact + exploitability), 10))
            : Roundup(Math.Min(impact + exploitability, 10));
        error = null;
        return true;
    }

    private static double? Impact(string value) => value switch { "H" => 0.56, "L" => 0.22, "N" => 0, _ => null };

    /// <summary>CVSS v3.1 Appendix A: the smallest number with one decimal that is ≥ the input.</summary>
    private static double Roundup(double value)
    {
        var integer = (long)Math.Round(value * 100000);
        return integer % 10000 == 0 ? integer / 100000.0 : (Math.Floor(integer / 10000.0) + 1) / 10.0;
    }
}
