namespace Slipway.Oci.Vulnerabilities;

/// <summary>
/// One advisory in OSV format (https://ossf.github.io/osv-schema/), reduced to what matching needs: its id and
/// aliases (a GHSA id's CVE), summary, the packages and version ranges it affects, and its rating. <see cref="File"/>
/// is where it was read from, for messages.
/// </summary>
public sealed record OsvAdvisory(
    string Id,
    IReadOnlyList<string> Aliases,
    string? Summary,
    IReadOnlyList<OsvAffected> Affected,
    Rating Rating,
    string File);

/// <summary>One package an advisory affects, with the versions and ranges it is affected in, and the package's own
/// rating when the database gives one (otherwise the advisory's applies).</summary>
public sealed record OsvAffected(OsvPackage Package, IReadOnlyList<OsvRange> Ranges, IReadOnlyList<string> Versions, Rating Rating);

/// <summary>A package as OSV names it: an ecosystem (<c>npm</c>, <c>PyPI</c>, <c>NuGet</c>, <c>Debian:12</c>), a name,
/// and sometimes a purl.</summary>
public sealed record OsvPackage(string Ecosystem, string Name, string? Purl);

/// <summary>A version range: ECOSYSTEM (ordered by the ecosystem's rules) or SEMVER; GIT ranges are not read (an SBOM
/// has versions, not commits).</summary>
public sealed record OsvRange(OsvRangeType Type, IReadOnlyList<OsvEvent> Events);

public enum OsvRangeType
{
    Ecosystem,
    Semver,
}

/// <summary>One event of a range: from <c>introduced</c> on the package is affected, from <c>fixed</c> on it is not,
/// after <c>last_affected</c> it is not, and at or after <c>limit</c> the range ends.</summary>
public sealed record OsvEvent(OsvEventKind Kind, string Version);

public enum OsvEventKind
{
    Introduced,
    Fixed,
    LastAffected,
    Limit,
}

/// <summary>A severity and, when it came from a CVSS v3 vector, the base score.</summary>
public sealed record Rating(Severity Severity, double? Score)
{
    public static Rating Unknown { get; } = new(Severity.Unknown, null);

    public override string ToString() => Score is { } score ? $"{Severity.Word()} ({score:0.0})" : Severity.Word();
}
