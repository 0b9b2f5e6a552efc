namespace Slipway.Oci.Vulnerabilities;

/// <summary>
/// How bad an advisory is, in CVSS v3's qualitative scale (critical ≥ 9.0, high ≥ 7.0, medium ≥ 4.0, low &gt; 0, none
/// = 0). Unknown — no CVSS v3 vector and no severity word in the database — sorts lowest, so a policy threshold never
/// refuses on it; findings of unknown severity are still listed.
/// </summary>
public enum Severity
{
    Unknown,
    None,
    Low,
    Medium,
    High,
    Critical,
}

public static class Severities
{
    /// <summary>The qualitative rating of a CVSS v3.x base score.</summary>
    public static Severity FromScore(double score) => score switch
    {
        >= 9.0 => Severity.Critical,
        >= 7.0 => Severity.High,
        >= 4.0 => Severity.Medium,
        > 0 => Severity.Low,
        _ => Severity.None,
    };

    /// <summary>A database's severity word (GitHub's CRITICAL, HIGH, MODERATE, LOW; others' MEDIUM, IMPORTANT),
    /// or null when it is not one.</summary>
    public static Severity? FromWord(string? word) => word?.Trim().ToLowerInvariant() switch
    {
        "critical" => Severity.Critical,
        "high" or "important" => Severity.High,
        "moderate" or "medium" => Severity.Medium,
        "low" => Severity.Low,
        "none" or "negligible" => Severity.None,
        _ => null,
    };

    /// <summary>A policy's threshold as users write it: critical, high, medium (or moderate), low.</summary>
    public static bool TryParse(string? text, out Severity severity)
    {
        severity = FromWord(text) ?? Severity.Unknown;
        return severity is not (Severity.Unknown or Severity.None);
    }

    /// <summary>The lowercase word used in messages and docs.</summary>
    public static string Word(this Severity severity) => severity.ToString().ToLowerInvariant();
}
