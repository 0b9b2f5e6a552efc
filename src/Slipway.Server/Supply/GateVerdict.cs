namespace Slipway.Server.Supply;

/// <summary>
/// What an environment's image policy said about one image, at one moment: allowed or refused, and for each
/// requirement of the policy whether it was checked and met. A promotion carries it into its record, so "why was this
/// let into prod?" has an answer later: the findings, the exceptions that let some through, the policies.
/// </summary>
/// <remarks>
/// Signature requirements are listed but not checked here (<see cref="RequirementCheck.Checked"/> false): verifying
/// cosign signatures is the signing part's service (ImageSignatures.VerifyAsync), which the lead wires in at the
/// seam marked in <see cref="PromotionService"/>. A verdict never claims a requirement it did not check.
/// </remarks>
/// <param name="Policies">The image policies that name the environment.</param>
/// <param name="Vulnerabilities">The vulnerability gate's decision; null when no policy of the environment sets one.</param>
/// <param name="ExceptionsUsed">The ids of the recorded exceptions that let a finding through.</param>
public sealed record GateVerdict(
    string Environment,
    IReadOnlyList<string> Policies,
    bool Allowed,
    IReadOnlyList<RequirementCheck> Requirements,
    VulnerabilityVerdict? Vulnerabilities,
    IReadOnlyList<long> ExceptionsUsed,
    DateTimeOffset EvaluatedAt,
    string Message);

/// <summary>One requirement of an environment's image policy, as a verdict weighed it.</summary>
/// <param name="Kind"><c>vulnerabilities</c> or <c>signatures</c>.</param>
/// <param name="Requirement">In words: "refuse at high", "signed by one of release, release-2027".</param>
/// <param name="Checked">Whether this verdict checked it; a requirement not checked is neither met nor refused here.</param>
/// <param name="Met">Whether it was met; null when not checked.</param>
public sealed record RequirementCheck(string Kind, string Policy, string Requirement, bool Checked, bool? Met);

/// <summary>The vulnerability gate's decision: every finding at fault, those an exception let through, how many were below.</summary>
public sealed record VulnerabilityVerdict(
    string RefuseAt,
    string Policy,
    bool Allowed,
    IReadOnlyList<RefusedFindingView> Refused,
    IReadOnlyList<ExceptedFindingView> Excepted,
    int Below,
    string Message);

/// <summary>A finding that refuses the image; <see cref="ExpiredException"/> is the exception that covered it until it expired.</summary>
public sealed record RefusedFindingView(FindingView Finding, VulnerabilityExceptionView? ExpiredException);

/// <summary>A finding at or above the threshold that an unexpired exception let through.</summary>
public sealed record ExceptedFindingView(FindingView Finding, VulnerabilityExceptionView Exception);
