namespace Slipway.Server.Supply;

/// <summary>
/// <c>POST /api/v1/images/scan</c>: the findings of an image's SBOM against the server's advisory database, most severe
/// first, what could not be checked (<see cref="Notes"/>), and, when an environment was named, its gate's verdict.
/// </summary>
/// <param name="Advisories">How many advisories were matched against, from where, read when.</param>
public sealed record ScanView(
    string Image,
    string Digest,
    int Components,
    AdvisoriesView Advisories,
    IReadOnlyList<FindingView> Findings,
    IReadOnlyList<string> Notes,
    GateVerdict? Verdict);

/// <summary>The advisory database a scan used.</summary>
public sealed record AdvisoriesView(string Path, int Count, DateTimeOffset LoadedAt);
