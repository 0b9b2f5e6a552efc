using Slipway.Core.Images;
using Slipway.Core.Spec;
using static Slipway.Core.Tests.Spec.SpecTestFiles;

namespace Slipway.Core.Tests.Spec;

/// <summary>
/// <c>kind: ImagePolicy</c> documents: valid ones map onto <see cref="ImagePolicy"/>; wrong ones are reported like every
/// other document — file, line, column, field path, what was expected — every error at once, and nothing is accepted.
/// </summary>
public sealed class ImagePolicyParserTests
{
    private const string Prod = """
        apiVersion: slipway.dev/v1alpha1
        kind: ImagePolicy
        metadata:
          name: prod-images
        spec:
          environments: [prod, staging]
          signatures:
            keys: [release, release-2027]
          vulnerabilities:
            refuseAt: critical
        """;

    [Fact]
    public void A_complete_policy_maps_every_field_and_knows_where_each_was_written()
    {
        var result = Parse(Prod);

        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Errors));
        Assert.Empty(result.Manifests);
        var policy = Assert.Single(result.Policies);
        Assert.Equal("prod-images", policy.Name);
        Assert.Equal(["prod", "staging"], policy.Environments);
        Assert.Equal(["release", "release-2027"], policy.Signatures!.Keys);
        Assert.Equal(VulnerabilitySeverity.Critical, policy.Vulnerabilities!.RefuseAt);
        Assert.True(policy.Covers("staging"));
        Assert.False(policy.Covers("dev"));
        Assert.Equal(new SpecError(FileName, 8, 21, "spec.signatures.keys[1]", "not found"), policy.Source!.ErrorAt("spec.signatures.keys[1]", "not found"));
    }

    [Theory]
    [InlineData("signatures: {keys: [release]}", true, null)]
    [InlineData("vulnerabilities: {refuseAt: low}", false, VulnerabilitySeverity.Low)]
    [InlineData("vulnerabilities: {refuseAt: medium}", false, VulnerabilitySeverity.Medium)]
    [InlineData("vulnerabilities: {refuseAt: high}", false, VulnerabilitySeverity.High)]
    public void A_policy_may_ask_for_signatures_or_set_a_vulnerability_gate_alone(string requirement, bool signed, VulnerabilitySeverity? refuseAt)
    {
        var result = Parse(PolicyWith($"environments: [prod]\n  {requirement}"));

        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Errors));
        var policy = Assert.Single(result.Policies);
        Assert.Equal(signed, policy.Signatures is not null);
        Assert.Equal(refuseAt, policy.Vulnerabilities?.RefuseAt);
    }

    [Fact]
    public void Policies_applications_and_templates_share_a_file_in_any_order()
    {
        var result = Parse(Prod + "\n---\n" + Minimal + "\n---\n" + Prod.Replace("prod-images", "team", StringComparison.Ordinal));

        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Errors));
        Assert.Equal(["prod-images", "team"], result.Policies.Select(p => p.Name));
        Assert.Equal("web", Assert.Single(result.Manifests).Metadata.Name);
    }

    [Fact]
    public void Every_error_of_a_policy_is_reported_at_once_at_its_position()
    {
        var errors = Errors("""
            apiVersion: slipway.dev/v1alpha1
            kind: ImagePolicy
            metadata:
              name: Prod_Images
              environment: prod
            spec:
              environments: [prod, Prod, prod, ""]
              signatures:
                keys: [release, release, "my key"]
                verify: true
              vulnerabilities:
                refuseAt: critcal
            """);

        Assert.Collection(
            errors,
            e => AssertError(e, 4, 9, "metadata.name", "must be a DNS label: lowercase letters, digits and '-', starting and ending with a letter or digit, got 'Prod_Images'"),
            e => AssertError(e, 5, 3, "metadata.environment", "an image policy is global to a Slipway server: it names the environments it applies to in spec.environments"),
            e => AssertError(e, 7, 24, "spec.environments[1]", "environment name must be a DNS label: lowercase letters, digits and '-', starting and ending with a letter or digit, got 'Prod'"),
            e => AssertError(e, 7, 30, "spec.environments[2]", "duplicate environment 'prod' (first listed at line 7)"),
            e => AssertError(e, 7, 36, "spec.environments[3]", "must not be empty"),
            e => AssertError(e, 9, 21, "spec.signatures.keys[1]", "duplicate signing key 'release' (first listed at line 9)"),
            e => AssertError(e, 9, 30, "spec.signatures.keys[2]", "signing key name must be a DNS label: lowercase letters, digits and '-', starting and ending with a letter or digit, got 'my key'"),
            e => AssertError(e, 10, 5, "spec.signatures.verify", "unknown field 'verify' (expected one of: keys)"),
            e => AssertError(e, 12, 15, "spec.vulnerabilities.refuseAt", "expected one of: low, medium, high, critical, got 'critcal' (did you mean 'critical'?)"));
    }

    [Fact]
    public void Required_fields_are_reported_where_they_are_missing()
    {
        var errors = Errors(PolicyWith("signatures: {}\n  vulnerabilities: {}") + "\n---\n" + PolicyWith("environments: []\n  signatures: {keys: []}", name: "other"));

        Assert.Collection(
            errors,
            e => AssertError(e, 5, 1, "spec.environments", "missing required field 'environments'"),
            e => AssertError(e, 6, 3, "spec.signatures.keys", "missing required field 'keys'"),
            e => AssertError(e, 7, 3, "spec.vulnerabilities.refuseAt", "missing required field 'refuseAt'"),
            e => AssertError(e, 14, 17, "spec.environments", "must not be empty"),
            e => AssertError(e, 15, 22, "spec.signatures.keys", "must not be empty"));
    }

    [Fact]
    public void A_policy_that_asks_nothing_is_refused()
    {
        AssertError(SingleError(PolicyWith("environments: [prod]")), 5, 1, "spec", "an image policy must set signatures, vulnerabilities or both: as written it asks nothing of an image");
    }

    [Fact]
    public void A_misspelt_requirement_is_suggested_without_also_saying_the_policy_asks_nothing()
    {
        AssertError(SingleError(PolicyWith("environments: [prod]\n  signature: {keys: [release]}")), 7, 3, "spec.signature", "unknown field 'signature' (did you mean 'signatures'?)");
    }

    [Theory]
    [InlineData("environment: prod\n  signatures: {keys: [k]}", 6, 3, "spec.environment", "write environments: [NAME, …], a list")]
    [InlineData("environments: prod\n  signatures: {keys: [k]}", 6, 17, "spec.environments", "expected a list, got string 'prod'")]
    [InlineData("environments: [prod]\n  signatures: {key: k}", 7, 16, "spec.signatures.key", "write keys: [NAME, …], a list: an image signed by any one of them is accepted")]
    [InlineData("environments: [prod]\n  signatures: {keyless: {issuer: x}}", 7, 16, "spec.signatures.keyless", "keyless signatures (Fulcio certificates, Rekor) are not supported")]
    [InlineData("environments: [prod]\n  signatures: [release]", 7, 15, "spec.signatures", "expected a mapping, got a list")]
    [InlineData("environments: [prod]\n  vulnerabilities: {refuseAt: moderate}", 7, 31, "spec.vulnerabilities.refuseAt", "got 'moderate' (write 'medium': CVSS's word for GitHub's 'moderate')")]
    [InlineData("environments: [prod]\n  vulnerabilities: {refuseAt: Critical}", 7, 31, "spec.vulnerabilities.refuseAt", "got 'Critical' (did you mean 'critical'?)")]
    [InlineData("environments: [prod]\n  vulnerabilities: {refuseAt: none}", 7, 31, "spec.vulnerabilities.refuseAt", "expected one of: low, medium, high, critical, got 'none'")]
    [InlineData("environments: [prod]\n  vulnerabilities: {refuseAt: high, exceptions: []}", 7, 37, "spec.vulnerabilities.exceptions", "recorded on the server, each with a reason and an expiry")]
    public void Each_mistake_says_what_to_write_instead(string spec, int line, int column, string path, string message)
    {
        AssertError(SingleError(PolicyWith(spec)), line, column, path, message);
    }

    [Fact]
    public void A_misspelt_kind_is_suggested_and_the_document_is_still_checked_as_a_policy()
    {
        var errors = Errors(PolicyWith("environments: [prod]\n  vulnerabilities: {refuseAt: hi}").Replace("kind: ImagePolicy", "kind: ImagePolicies", StringComparison.Ordinal));

        Assert.Collection(
            errors,
            e => AssertError(e, 2, 7, "kind", "expected 'Application', 'AnalysisTemplate' or 'ImagePolicy', got 'ImagePolicies' (did you mean 'ImagePolicy'?)"),
            e => AssertError(e, 7, 31, "spec.vulnerabilities.refuseAt", "got 'hi'"));
    }

    [Fact]
    public void Two_policies_of_the_same_name_are_refused_naming_the_first_ones_file_and_line()
    {
        var result = SpecParser.Parse(
            [new SpecFileContent("policies/a.yaml", Prod, BaseDirectory), new SpecFileContent("policies/b.yaml", "# again\n" + Prod, BaseDirectory)]);

        var error = Assert.Single(result.Errors);
        Assert.Equal(new SpecError("policies/b.yaml", 5, 9, "metadata.name", "duplicate image policy 'prod-images': also defined at policies/a.yaml:4"), error);
        Assert.Empty(result.Policies);
    }

    [Fact]
    public void A_policy_is_not_accepted_when_another_document_of_the_unit_has_an_error()
    {
        var result = Parse(Prod + "\n---\n" + Minimal.Replace("command: dotnet", "command: dotnet\n  replicas: -1", StringComparison.Ordinal));

        AssertError(Assert.Single(result.Errors), 20, 13, "spec.replicas", "must be at least 0");
        Assert.Empty(result.Policies);
        Assert.Empty(result.Manifests);
    }

    private static string PolicyWith(string spec, string name = "prod-images") => $"""
        apiVersion: slipway.dev/v1alpha1
        kind: ImagePolicy
        metadata:
          name: {name}
        spec:
          {spec}
        """;

    private static void AssertError(SpecError error, int line, int column, string path, string messageFragment) =>
        SpecParserErrorTests.AssertError(error, line, column, path, messageFragment);
}
