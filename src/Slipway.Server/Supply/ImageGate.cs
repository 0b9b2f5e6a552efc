using Slipway.Core.Images;
using Slipway.Oci;
using Slipway.Oci.Vulnerabilities;
using Slipway.Server.Images;
using Slipway.Store;

namespace Slipway.Server.Supply;

/// <summary>
/// Weighs one image against the image policy of one environment, now: the image's SBOM (attached, or made and
/// attached), matched against the advisory database, judged by the strictest vulnerability threshold of the
/// environment's policies with the exceptions recorded for it (or for every environment). Every finding at fault is
/// in the verdict, not only the first.
/// </summary>
/// <remarks>
/// Each signature requirement is verified with <see cref="ImageSignatures"/> (cosign's key-based format, the
/// repositories the image was promoted from accepted): met when one of its keys signed the image.
/// </remarks>
internal sealed class ImageGate(
    SbomService sboms, AdvisoryDatabase advisories, VulnerabilityExceptions exceptions, ImagePolicies policies, ImageSignatures signatures, TimeProvider time)
{
    /// <summary>What <paramref name="environment"/>'s policy says of <paramref name="image"/>; the SBOM is made only when a gate needs it.</summary>
    public async Task<GateVerdict> EvaluateAsync(ImageReference image, string environment, string actor, CancellationToken ct)
    {
        var policy = await policies.ForEnvironmentAsync(environment, ct);
        IReadOnlyList<Finding>? findings = null;
        if (policy.Vulnerabilities is not null)
        {
            var sbom = await sboms.GetAsync(image, actor, ct);
            var database = await advisories.GetAsync(ct);
            findings = VulnerabilityScanner.Scan(sbom.Sbom, database.Database).Findings;
        }

        var verdict = await JudgeAsync(policy, findings, ct);
        if (policy.Signatures.Count == 0)
        {
            return verdict;
        }

        // Each requirement on its own: an image must be signed by one of policy A's keys and by one of policy B's.
        var checks = verdict.Requirements.Where(c => c.Kind != "signatures").ToList();
        var lines = new List<string>();
        var allowed = verdict.Allowed;
        foreach (var requirement in policy.Signatures)
        {
            var verification = await signatures.VerifyAsync(image, requirement.Keys, [], environment, ct);
            checks.Add(new RequirementCheck("signatures", requirement.Policy, $"signed {requirement.Describe()}", Checked: true, verification.IsVerified));
            allowed &= verification.IsVerified;
            lines.Add(verification.IsVerified ? $"signed {requirement.Describe()} ({requirement.Policy}): verified" : $"{verification.Message} ({requirement.Policy})");
        }

        var message = string.Join('\n', verdict.Message.Split('\n').Where(l => !l.StartsWith("not checked here: signatures", StringComparison.Ordinal)).Concat(lines).Where(l => l.Length > 0));
        return verdict with { Allowed = allowed, Requirements = checks, Message = message };
    }

    /// <summary>
    /// The verdict of <paramref name="policy"/> on <paramref name="findings"/> (those of a scan already made; null when
    /// the policy sets no vulnerability gate, so none were needed).
    /// </summary>
    public async Task<GateVerdict> JudgeAsync(EffectiveImagePolicy policy, IReadOnlyList<Finding>? findings, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var now = time.GetUtcNow();
        var checks = new List<RequirementCheck>();
        VulnerabilityVerdict? vulnerabilities = null;
        var used = new List<long>();
        if (policy.Vulnerabilities is { } requirement)
        {
            if (findings is null)
            {
                throw new ArgumentException($"the policy of {policy.Environment} sets a vulnerability gate: the image's findings are needed", nameof(findings));
            }

            var recorded = await exceptions.ForEnvironmentAsync(policy.Environment, ct);
            var decision = VulnerabilityGate.Evaluate(findings, new GatePolicy(ToSeverity(requirement.RefuseAt), [.. recorded.Select(r => r.Exemption)]), now);
            VulnerabilityExceptionView ViewOf(Exemption exemption) =>
                VulnerabilityExceptionView.Of(recorded.First(r => ReferenceEquals(r.Exemption, exemption)).Record, now);
            vulnerabilities = new VulnerabilityVerdict(
                requirement.RefuseAt.Word(),
                requirement.Policy,
                decision.Allowed,
                [.. decision.Refused.Select(r => new RefusedFindingView(FindingView.Of(r.Finding), r.Expired is { } expired ? ViewOf(expired) : null))],
                [.. decision.Exempted.Select(e => new ExceptedFindingView(FindingView.Of(e.Finding), ViewOf(e.Exemption)))],
                decision.Below.Count,
                decision.Message);
            used.AddRange(vulnerabilities.Excepted.Select(e => e.Exception.Id).Distinct());
            checks.Add(new RequirementCheck("vulnerabilities", requirement.Policy, $"refuse at {requirement.RefuseAt.Word()}", Checked: true, decision.Allowed));
        }

        foreach (var signature in policy.Signatures)
        {
            checks.Add(new RequirementCheck("signatures", signature.Policy, $"signed {signature.Describe()}", Checked: false, Met: null));
        }

        var allowed = vulnerabilities?.Allowed ?? true;
        return new GateVerdict(policy.Environment, policy.Policies, allowed, checks, vulnerabilities, used, now, Describe(policy, vulnerabilities, checks));
    }

    private static string Describe(EffectiveImagePolicy policy, VulnerabilityVerdict? vulnerabilities, IReadOnlyList<RequirementCheck> checks)
    {
        var lines = new List<string>();
        if (policy.RequiresNothing)
        {
            lines.Add($"no image policy applies to environment {policy.Environment}: every image may go there");
        }

        if (vulnerabilities is not null)
        {
            lines.Add(vulnerabilities.Message);
        }

        foreach (var unchecked_ in checks.Where(c => !c.Checked))
        {
            lines.Add($"not checked here: {unchecked_.Kind} — {unchecked_.Requirement} ({unchecked_.Policy})");
        }

        return string.Join('\n', lines);
    }

    /// <summary>The scanner's scale for a spec threshold: the same four words.</summary>
    public static Severity ToSeverity(VulnerabilitySeverity severity) => severity switch
    {
        VulnerabilitySeverity.Low => Severity.Low,
        VulnerabilitySeverity.Medium => Severity.Medium,
        VulnerabilitySeverity.High => Severity.High,
        VulnerabilitySeverity.Critical => Severity.Critical,
        _ => throw new ArgumentOutOfRangeException(nameof(severity), severity, "not a gate threshold"),
    };
}
