using Slipway.Core.Spec;
using static Slipway.Core.Tests.Spec.SpecTestFiles;

namespace Slipway.Core.Tests.Spec;

/// <summary>Whatever the text, the parser answers with errors, never with an exception.</summary>
public sealed class SpecParserRobustnessTests
{
    private const string Full = """
        apiVersion: slipway.dev/v1alpha1
        kind: Application
        metadata: {name: web, environment: prod, labels: {team: shop}}
        spec:
          artifact:
            path: "../samples/out"
          command: dotnet
          args: [Slipway.Sample.dll, '--urls']
          env:
            - {name: VERSION, value: v1}
          probes:
            readiness: &probe
              httpGet: {path: /healthz}
            liveness: *probe
          strategy:
            canary:
              steps:
                - setWeight: 10
                - pause: {duration: 30s}
                - setHeaderRoute:
                    match: [{headerName: X-Canary, headerValue: {regex: "^y"}}]
        """;

    [Fact]
    public void Every_truncation_of_a_valid_spec_is_answered_with_errors_or_a_manifest()
    {
        Assert.True(Parse(Full).IsValid);
        for (var length = 0; length < Full.Length; length++)
        {
            var result = Parse(Full[..length]);
            Assert.True(result.IsValid ? result.Manifests.Count == 1 : result.Manifests.Count == 0, $"at length {length}");
        }
    }

    [Theory]
    [InlineData("kind: \"Application\nspec: {}\n")]
    [InlineData("metadata: {name: web\n")]
    [InlineData("metadata:\n\tname: web\n")]
    [InlineData("a: b: c\n")]
    [InlineData("- a\nb: c\n")]
    [InlineData("spec: *nowhere\n")]
    [InlineData("%YAML 9.9\n---\na: 1\n")]
    [InlineData("key: 'unclosed\n")]
    [InlineData("? [a, b]\n: c\n")]
    public void Malformed_yaml_is_reported_as_errors(string yaml)
    {
        var result = Parse(yaml);

        Assert.False(result.IsValid);
        Assert.All(result.Errors, e => Assert.True(e.Line >= 1 && e.Column >= 1, e.ToString()));
    }

    [Fact]
    public void Very_deep_nesting_is_an_error_not_a_stack_overflow()
    {
        var yaml = "spec: " + new string('[', 10_000) + new string(']', 10_000) + "\n";

        var error = Assert.Single(Parse(yaml).Errors, e => e.Path == "(file)");

        Assert.Contains("nesting deeper than", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_alias_is_reported()
    {
        var errors = Parse(Minimal + "\n  replicas: *count\n").Errors;

        Assert.Contains(errors, e => e.Line == 9 && e.Message.Contains("*count", StringComparison.Ordinal));
    }
}
