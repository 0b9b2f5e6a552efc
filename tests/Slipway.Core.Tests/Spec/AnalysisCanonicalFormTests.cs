using Slipway.Core.Spec;
using Slipway.Core.Spec.Diff;
using static Slipway.Core.Tests.Spec.SpecTestFiles;

namespace Slipway.Core.Tests.Spec;

/// <summary>
/// Analyses in the one written form diffs compare: how an analysis was written never shows, a change to it does — and
/// no secret of a provider (a header, a job's env, an argument, a password in a URL) appears in a diff.
/// </summary>
public sealed class AnalysisCanonicalFormTests
{
    private const string Block = """
        apiVersion: slipway.dev/v1alpha1
        kind: Application
        metadata: {name: web}
        spec:
          artifact: {path: out}
          command: dotnet
          strategy:
            canary:
              analysis:
                templates:
                  - templateName: error-rate
                args:
                  - name: service
                    value: web
                startingStep: 1
              steps:
                - setWeight: 10
                - analysis:
                    metrics:
                      - name: errors
                        interval: 1s
                        successCondition: result < 0.05
                        provider:
                          router:
                            measure: errorRate
                      - name: ready
                        successCondition: result == true
                        provider:
                          web:
                            url: https://status.local/
                      - name: judged
                        provider:
                          judge: {}
        """;

    private const string Flow = """
        apiVersion: slipway.dev/v1alpha1
        kind: Application
        metadata: {name: web}
        spec:
          artifact: {path: ./out}
          command: dotnet
          strategy: {canary: {steps: [{setWeight: 10}, {analysis: {onFailure: abort, metrics: [
            {name: errors, interval: 1000ms, failureLimit: 0, consecutiveErrorLimit: 4, dryRun: false, minSampleSize: 20, lowTraffic: pause,
             successCondition: result < 0.05, provider: {router: {measure: errorRate, window: 10s, baseline: false}}},
            {name: ready, successCondition: result == true, provider: {http: {url: "https://status.local/", method: GET, headers: [], timeout: 10s}}},
            {name: judged, provider: {judge: {errorRate: {margin: 0}, latency: {tolerance: 1.1}, confidence: 0.99}}}]}}],
            analysis: {args: [{value: web, name: service}], templates: [{templateName: error-rate}], startingStep: 1}}}
        """;

    [Fact]
    public void Analyses_that_mean_the_same_render_the_same_text()
    {
        Assert.Equal(Render(ParseOne(Block)), Render(ParseOne(Flow)));
    }

    [Fact]
    public void The_rendering_of_an_analysis_lists_every_default_and_reads_back_the_same()
    {
        var text = Render(ParseOne(Block));

        Assert.Contains(
            Lines(
                "              - name: errors",
                "                interval: 1s",
                "                initialDelay: 0s",
                "                successCondition: result < 0.05",
                "                failureLimit: 0",
                "                inconclusiveLimit: 0",
                "                consecutiveErrorLimit: 4",
                "                dryRun: false",
                "                minSampleSize: 20",
                "                lowTraffic: pause",
                "                provider:",
                "                  router:",
                "                    measure: errorRate",
                "                    window: 10s",
                "                    baseline: false"),
            text,
            StringComparison.Ordinal);
        Assert.Contains(
            Lines(
                "                  judge:",
                "                    errorRate:",
                "                      margin: 0",
                "                    latency:",
                "                      tolerance: 1.1",
                "                    confidence: 0.99"),
            text,
            StringComparison.Ordinal);
        Assert.Contains(Lines("        metrics: []", "        startingStep: 1", "        onFailure: abort"), text, StringComparison.Ordinal);
        Assert.Equal(text, Render(ParseOne(text)));
    }

    [Fact]
    public void Blue_green_analyses_render_and_read_back_the_same()
    {
        var text = Render(ParseOne(Minimal + "\n  strategy: {blueGreen: {prePromotionAnalysis: {templates: [{templateName: smoke}], onFailure: pause}, postPromotionAnalysis: {metrics: [{name: p99, successCondition: result < 250, provider: {router: {measure: p99, baseline: true}}}]}}}\n"));

        Assert.Contains("    prePromotionAnalysis:\n", text, StringComparison.Ordinal);
        Assert.Contains("    postPromotionAnalysis:\n", text, StringComparison.Ordinal);
        Assert.Equal(text, Render(ParseOne(text)));
    }

    [Fact]
    public void A_template_renders_in_the_same_form_and_reads_back_the_same()
    {
        var template = AnalysisTemplateParserTests.ParseTemplate(AnalysisTemplateParserTests.Template(
            "smoke",
            args: "[{name: service}, {name: level, value: 2}]",
            metrics: """[{name: smoke, provider: {job: {command: ./smoke.sh, args: ["{{args.service}}"], env: [{name: LEVEL, value: "{{args.level}}"}]}}}]"""));

        var text = CanonicalSpec.Render(template);

        Assert.StartsWith(
            Lines("apiVersion: slipway.dev/v1alpha1", "kind: AnalysisTemplate", "metadata:", "  name: smoke", "spec:", "  args:", "    - name: service", "    - name: level", "      value: \"2\"", "  metrics:"),
            text,
            StringComparison.Ordinal);
        Assert.Equal(text, CanonicalSpec.Render(AnalysisTemplateParserTests.ParseTemplate(text)));
    }

    [Fact]
    public void A_changed_condition_shows_in_the_diff()
    {
        var before = ParseOne(Block);
        var after = ParseOne(Block.Replace("result < 0.05", "result < 0.02", StringComparison.Ordinal));

        var diff = SpecDiff.Compare("web", "dev", before.Spec, "applied", after.Spec, "apps/web.yaml");

        Assert.Contains("-                successCondition: result < 0.05\n", diff, StringComparison.Ordinal);
        Assert.Contains("+                successCondition: result < 0.02\n", diff, StringComparison.Ordinal);
    }

    [Fact]
    public void Secrets_of_analyses_are_masked_and_a_change_to_one_is_told_without_it()
    {
        const string Secrets = """
            apiVersion: slipway.dev/v1alpha1
            kind: Application
            metadata: {name: web}
            spec:
              artifact: {path: out}
              command: dotnet
              strategy:
                blueGreen:
                  prePromotionAnalysis:
                    templates: [{templateName: t}]
                    args: [{name: api-token, value: ARG-SECRET}, {name: service, value: web}]
                    metrics:
                      - name: ready
                        successCondition: result == true
                        provider: {http: {url: "https://u:URL-SECRET@status.local/", headers: [{key: Authorization, value: Bearer HEADER-SECRET}, {key: Accept, value: application/json}]}}
                      - name: smoke
                        provider: {job: {command: ./smoke.sh, args: [--password, FLAG-SECRET], env: [{name: DB_PASSWORD, value: ENV-SECRET}]}}
                      - name: stored
                        successCondition: result[0] > 0
                        provider: {prometheus: {address: "http://p:PROM-SECRET@127.0.0.1:19090", query: up}}
            """;
        var before = ParseOne(Secrets);
        var after = ParseOne(Secrets.Replace("HEADER-SECRET", "HEADER-ROTATED", StringComparison.Ordinal));

        var created = SpecDiff.Compare("web", "dev", null, "(none)", before.Spec, "apps/web.yaml");
        var changed = SpecDiff.Compare("web", "dev", before.Spec, "applied", after.Spec, "apps/web.yaml");

        foreach (var secret in new[] { "ARG-SECRET", "URL-SECRET", "HEADER-SECRET", "HEADER-ROTATED", "FLAG-SECRET", "ENV-SECRET", "PROM-SECRET" })
        {
            Assert.DoesNotContain(secret, created, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, changed, StringComparison.Ordinal);
        }

        Assert.Contains("application/json", created, StringComparison.Ordinal);
        var added = Assert.Single(changed.Split('\n'), l => l.StartsWith('+') && !l.StartsWith("+++", StringComparison.Ordinal));
        Assert.EndsWith("value: " + SensitiveValues.Changed, added, StringComparison.Ordinal);
    }

    private static string Lines(params string[] lines) => string.Join("\n", lines) + "\n";

    private static string Render(ApplicationManifest manifest) => CanonicalSpec.Render(manifest.Metadata.Name, manifest.Metadata.Environment, manifest.Spec);
}
