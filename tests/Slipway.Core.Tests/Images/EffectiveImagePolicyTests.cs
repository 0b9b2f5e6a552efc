using Slipway.Core.Images;

namespace Slipway.Core.Tests.Images;

/// <summary>
/// The effective image policy of an environment: every policy that names it applies, each signature requirement on its
/// own, the strictest vulnerability gate; policies of other environments change nothing.
/// </summary>
public sealed class EffectiveImagePolicyTests
{
    [Fact]
    public void An_environment_no_policy_names_requires_nothing()
    {
        var effective = EffectiveImagePolicy.Of("dev", [Policy("prod-images", ["prod"], ["release"], VulnerabilitySeverity.Critical)]);

        Assert.True(effective.RequiresNothing);
        Assert.Empty(effective.Policies);
        Assert.Empty(effective.UnmetSignatures([]));
        Assert.False(effective.Refuses(VulnerabilitySeverity.Critical));
        Assert.Equal("no image policy applies to environment dev: every image may run there", effective.Describe());
    }

    [Fact]
    public void One_policy_is_its_own_effective_policy()
    {
        var effective = EffectiveImagePolicy.Of("prod", [Policy("prod-images", ["staging", "prod"], ["release-2027", "release"], VulnerabilitySeverity.High)]);

        Assert.Equal(["prod-images"], effective.Policies);
        Assert.Equal(["prod-images: release, release-2027"], Show(effective.Signatures));
        Assert.Equal(new VulnerabilityRequirement(VulnerabilitySeverity.High, "prod-images"), effective.Vulnerabilities);
        Assert.Equal(
            "images in prod must be signed by one of release, release-2027 (prod-images); an image with a vulnerability of high or critical severity is refused in prod (prod-images)",
            effective.Describe());
    }

    [Fact]
    public void Every_policy_that_names_the_environment_applies_each_signature_requirement_on_its_own()
    {
        // The company's release key, and the team's own CI key: an image must carry both signatures.
        var effective = EffectiveImagePolicy.Of("prod", [Policy("team", ["prod"], ["ci", "ops"], null), Policy("company", ["prod", "staging"], ["release"], null)]);

        Assert.Equal(["company", "team"], effective.Policies);
        Assert.Equal(["company: release", "team: ci, ops"], Show(effective.Signatures));
        Assert.Equal(["ci", "ops", "release"], effective.Keys);
        Assert.Equal(["team: ci, ops"], Show(effective.UnmetSignatures(["release"])));
        Assert.Equal(["company: release"], Show(effective.UnmetSignatures(["ops"])));
        Assert.Empty(effective.UnmetSignatures(["release", "ci"]));
        Assert.Equal(2, effective.UnmetSignatures([]).Count);
        Assert.Equal("images in prod must be signed by release (company) and by one of ci, ops (team)", effective.Describe());
    }

    [Fact]
    public void A_signature_requirement_another_one_implies_is_left_out_and_of_equal_ones_the_first_policy_stays()
    {
        var effective = EffectiveImagePolicy.Of("prod",
        [
            Policy("b-loose", ["prod"], ["release", "ci"], null),
            Policy("a-strict", ["prod"], ["release"], null),
            Policy("c-same", ["prod"], ["release"], null),
            Policy("d-same-set", ["prod"], ["ci", "release"], null),
        ]);

        Assert.Equal(["a-strict: release"], Show(effective.Signatures));
        Assert.Equal(["a-strict", "b-loose", "c-same", "d-same-set"], effective.Policies);
    }

    [Fact]
    public void The_strictest_vulnerability_gate_wins_and_names_its_policy()
    {
        var effective = EffectiveImagePolicy.Of("prod",
        [
            Policy("company", ["prod"], null, VulnerabilitySeverity.Critical),
            Policy("team-b", ["prod"], null, VulnerabilitySeverity.High),
            Policy("team-a", ["prod"], null, VulnerabilitySeverity.High),
            Policy("staging-only", ["staging"], null, VulnerabilitySeverity.Low),
        ]);

        Assert.Equal(new VulnerabilityRequirement(VulnerabilitySeverity.High, "team-a"), effective.Vulnerabilities);
        Assert.Empty(effective.Signatures);
        Assert.True(effective.Refuses(VulnerabilitySeverity.Critical));
        Assert.True(effective.Refuses(VulnerabilitySeverity.High));
        Assert.False(effective.Refuses(VulnerabilitySeverity.Medium));
        Assert.Equal("an image with a vulnerability of high or critical severity is refused in prod (team-a)", effective.Describe());
    }

    [Theory]
    [InlineData(VulnerabilitySeverity.Low, "low", "low, medium, high or critical")]
    [InlineData(VulnerabilitySeverity.Medium, "medium", "medium, high or critical")]
    [InlineData(VulnerabilitySeverity.High, "high", "high or critical")]
    [InlineData(VulnerabilitySeverity.Critical, "critical", "critical")]
    public void Severities_read_and_say_what_they_refuse(VulnerabilitySeverity severity, string word, string refused)
    {
        Assert.Equal(word, severity.Word());
        Assert.Equal(severity, VulnerabilitySeverities.FromWord(word));
        Assert.Equal(refused, severity.Refused());
        Assert.Null(VulnerabilitySeverities.FromWord(word.ToUpperInvariant()));
    }

    private static IEnumerable<string> Show(IEnumerable<SignatureRequirement> requirements) =>
        requirements.Select(r => $"{r.Policy}: {string.Join(", ", r.Keys)}");

    private static ImagePolicy Policy(string name, string[] environments, string[]? keys, VulnerabilitySeverity? refuseAt) =>
        new(name, environments, keys is null ? null : new SignaturePolicy(keys), refuseAt is { } severity ? new VulnerabilityPolicy(severity) : null);
}
