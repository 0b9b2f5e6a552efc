using Slipway.Core.Spec;
using Slipway.Core.Spec.Diff;
using static Slipway.Core.Tests.Spec.SpecTestFiles;

namespace Slipway.Core.Tests.Spec;

/// <summary>The one written form of a spec that diffs compare: how a spec was written never shows, what it means does.</summary>
public sealed class CanonicalSpecTests
{
    [Fact]
    public void Specs_that_mean_the_same_render_the_same_text()
    {
        var block = ParseOne("""
            apiVersion: slipway.dev/v1alpha1
            kind: Application
            metadata:
              name: web
            spec:
              artifact:
                path: out
              command: dotnet
              env:
                - name: N
                  value: 512
              strategy:
                canary:
                  steps:
                    - setWeight: 10
                    - pause: {duration: 90s}
            """);
        var flow = ParseOne("""
            kind: Application   # order, flow style, defaults and comments differ
            apiVersion: slipway.dev/v1alpha1
            metadata: {name: web, environment: dev}
            spec: {command: "dotnet", artifact: {path: ./out}, replicas: 1, env: [{value: "512", name: N}], args: [],
                   strategy: {canary: {steps: [{setWeight: 10}, {pause: {duration: 1m30s}}]}}, maxRestarts: 2}
            """);

        Assert.Equal(Render(block), Render(flow));
    }

    [Fact]
    public void The_rendering_lists_every_field_with_its_default_in_the_documented_order_and_reads_back_the_same()
    {
        var manifest = ParseOne("""
            apiVersion: slipway.dev/v1alpha1
            kind: Application
            metadata: {name: web}
            spec:
              artifact: {path: out}
              command: dotnet
              env: [{name: ANSWER, value: yes}]
              probes:
                readiness: {httpGet: {path: /healthz}}
              strategy:
                canary:
                  steps:
                    - setHeaderRoute: {name: beta, match: [{headerName: X-Canary, headerValue: {exact: "on"}}]}
                    - pause: {}
            """);

        var text = Render(manifest);

        Assert.Equal(
            ["apiVersion", "kind", "metadata", "spec"],
            text.Split('\n').Where(l => l.Length > 0 && l[0] != ' ').Select(l => l.Split(':')[0]));
        Assert.Equal(
            ["artifact", "command", "args", "env", "requiredEnv", "probes", "terminationGracePeriodSeconds", "replicas", "route", "progressDeadlineSeconds", "minReadySeconds", "maxRestarts", "revisionHistoryLimit", "preflight", "strategy"],
            text[text.IndexOf("spec:\n", StringComparison.Ordinal)..].Split('\n').Where(l => l.StartsWith("  ", StringComparison.Ordinal) && l.Length > 2 && l[2] != ' ').Select(l => l.Trim().Split(':')[0]));
        Assert.Contains("      value: \"yes\"\n", text, StringComparison.Ordinal); // a string YAML 1.1 reads as a boolean is quoted
        Assert.Contains("        - pause: {}\n", text, StringComparison.Ordinal);

        var reread = ParseOne(text);
        Assert.Equal(text, Render(reread));
    }

    private static string Render(ApplicationManifest manifest) => CanonicalSpec.Render(manifest.Metadata.Name, manifest.Metadata.Environment, manifest.Spec);
}
