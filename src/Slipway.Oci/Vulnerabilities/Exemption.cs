namespace Slipway.Oci.Vulnerabilities;

/// <summary>
/// An exception to the vulnerability gate: "let advisory X through (for package P), because R, until T". Users call
/// it an exception; the type is named Exemption because in C# an exception is an error. The reason and the expiry are
/// both required — an exception nobody can explain, or that never ends, is how a known vulnerability ships forever.
/// The advisory id matches the advisory's own id or any alias (an exception for CVE-2024-1234 covers the GHSA and
/// DSA advisories that alias it); the package, when given, matches the package's name or its Debian source package.
/// </summary>
public sealed record Exemption
{
    public Exemption(string advisoryId, string? package, string reason, DateTimeOffset expiresAt)
    {
        var errors = Validate(advisoryId, reason, expiresAt);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors));
        }

        AdvisoryId = advisoryId.Trim();
        Package = string.IsNullOrWhiteSpace(package) ? null : package.Trim();
        Reason = reason.Trim();
        ExpiresAt = expiresAt;
    }

    public string AdvisoryId { get; }

    public string? Package { get; }

    public string Reason { get; }

    public DateTimeOffset ExpiresAt { get; }

    /// <summary>Every problem with an exception's fields, in plain words (empty when it is valid); for a spec or an API
    /// call to report them all at once.</summary>
    public static IReadOnlyList<string> Validate(string? advisoryId, string? reason, DateTimeOffset? expiresAt)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(advisoryId))
        {
            errors.Add("an exception needs the advisory id it lets through (GHSA-…, CVE-…, DSA-…)");
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            errors.Add($"the exception for {advisoryId} needs a reason: why this vulnerability is acceptable for now");
        }

        if (expiresAt is null || expiresAt == default(DateTimeOffset))
        {
            errors.Add($"the exception for {advisoryId} needs an expiry: the date after which it no longer applies");
        }

        return errors;
    }

    /// <summary>Whether this exception is about <paramref name="finding"/> (expired or not).</summary>
    public bool Covers(Finding finding)
    {
        var advisory = finding.Advisory;
        var aboutAdvisory = Same(AdvisoryId, advisory.Id) || advisory.Aliases.Any(a => Same(AdvisoryId, a));
        return aboutAdvisory && (Package is null || Same(Package, finding.Package) || Same(Package, finding.Component.Source.Name));
    }

    /// <summary>Whether the exception still applies at <paramref name="now"/>: until its expiry, not at it.</summary>
    public bool IsActiveAt(DateTimeOffset now) => now < ExpiresAt;

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
