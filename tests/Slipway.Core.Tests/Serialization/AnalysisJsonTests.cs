using System.Text.Json;
using Slipway.Core.Analysis;
using Slipway.Core.Serialization;
using Slipway.Core.Spec;
using static Slipway.Core.Tests.Spec.SpecTestFiles;

namespace Slipway.Core.Tests.Serialization;

/// <summary>The store keeps specs and templates as JSON: every analysis field comes back as it was parsed.</summary>
public sealed class AnalysisJsonTests
{
    private const string Analyses = """
        apiVersion: slipway.dev/v1alpha1
        kind: AnalysisTemplate
        metadata: {name: everything}
        spec:
          args: [{name: service}, {name: window, value: 1m}]
          metrics:
            - name: router
              interval: 1s
              count: 30
              initialDelay: 2s
              successCondition: canary <= stable + 0.01
              failureCondition: canary > stable + 0.05
              failureLimit: 1
              inconclusiveLimit: 2
              consecutiveErrorLimit: 3
              consecutiveSuccessLimit: 5
              dryRun: true
              minSampleSize: 40
              lowTraffic: extend
              maxExtension: 90s
              provider: {router: {measure: p95, window: 20s, baseline: true}}
            - name: judge
              provider: {judge: {errorRate: {margin: 0.01}, confidence: 0.95, window: 2m}}
            - name: prometheus
              successCondition: result[0] < 0.05
              provider: {prometheus: {address: "http://127.0.0.1:19090", query: 'rate(x{s="{{args.service}}"}[{{args.window}}])', timeout: 3s}}
            - name: http
              successCondition: result == "ok"
              provider: {web: {url: "https://x.local/{{app}}", method: PUT, headers: [{key: X-A, value: b}], body: "{}", jsonPath: "{$.status}", timeout: 4s}}
            - name: job
              provider: {job: {command: ./smoke.sh, args: [a, "{{revision}}"], env: [{name: N, value: V}], timeout: 1m}}
        """;

    [Fact]
    public void A_template_with_every_provider_and_field_reads_back_the_same()
    {
        var template = Assert.Single(Parse(Analyses).Templates);

        var json = JsonSerializer.Serialize(template, SlipwayJson.Options);
        var back = JsonSerializer.Deserialize<AnalysisTemplate>(json, SlipwayJson.Options)!;

        Assert.True(SlipwayJson.SameValue(template, back), json);
        Assert.Equal(["router", "judge", "prometheus", "http", "job"], back.Metrics.Select(m => m.Name));
        Assert.Equal((TimeSpan.FromSeconds(90), LowTrafficPolicy.Extend, (int?)5), (back.Metrics[0].MaxExtension, back.Metrics[0].LowTraffic, back.Metrics[0].ConsecutiveSuccessLimit));
        Assert.IsType<HttpMetricProvider>(back.Metrics[3].Provider);
    }

    [Fact]
    public void Where_a_template_was_written_is_neither_stored_nor_sent()
    {
        var template = Assert.Single(Parse(Analyses).Templates);

        var json = JsonSerializer.Serialize(template, SlipwayJson.Options);

        Assert.NotNull(template.Source);
        Assert.DoesNotContain("source", json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("web.yaml", json, StringComparison.Ordinal);
    }

    [Fact]
    public void The_analysis_of_every_strategy_reads_back_the_same()
    {
        var canary = ParseOne(Minimal + """

              strategy:
                canary:
                  analysis:
                    templates: [{templateName: everything}]
                    args: [{name: service, value: web}]
                    startingStep: 1
                    onFailure: pause
                  steps:
                    - setWeight: 10
                    - analysis:
                        metrics: [{name: smoke, provider: {job: {command: ./smoke.sh}}}]
            """);
        var blueGreen = ParseOne(Minimal + "\n  strategy: {blueGreen: {prePromotionAnalysis: {templates: [{templateName: a}]}, postPromotionAnalysis: {templates: [{templateName: b}], onFailure: pause}}}\n");

        foreach (var spec in new[] { canary.Spec, blueGreen.Spec })
        {
            var json = JsonSerializer.Serialize(spec, SlipwayJson.Options);
            var back = JsonSerializer.Deserialize<ApplicationSpec>(json, SlipwayJson.Options)!;
            Assert.True(SlipwayJson.SameValue(spec, back), json);
        }

        var strategy = (CanaryStrategy)JsonSerializer.Deserialize<ApplicationSpec>(JsonSerializer.Serialize(canary.Spec, SlipwayJson.Options), SlipwayJson.Options)!.Strategy;
        Assert.Equal((1, AnalysisOnFailure.Pause), (strategy.Analysis!.StartingStep, strategy.Analysis.Analysis.OnFailure));
        Assert.Equal("smoke", Assert.IsType<AnalysisStep>(strategy.Steps[1]).Analysis.Metrics[0].Name);
        var bg = (BlueGreenStrategy)JsonSerializer.Deserialize<ApplicationSpec>(JsonSerializer.Serialize(blueGreen.Spec, SlipwayJson.Options), SlipwayJson.Options)!.Strategy;
        Assert.Equal(("a", "b", AnalysisOnFailure.Pause), (Assert.Single(bg.PrePromotionAnalysis!.Templates), Assert.Single(bg.PostPromotionAnalysis!.Templates), bg.PostPromotionAnalysis.OnFailure));
    }

    [Fact]
    public void A_manifest_still_reads_back_without_its_source()
    {
        var manifest = ParseOne(Minimal);

        var back = JsonSerializer.Deserialize<ApplicationManifest>(JsonSerializer.Serialize(manifest, SlipwayJson.Options), SlipwayJson.Options)!;

        Assert.Null(back.Source);
        Assert.Equal(manifest.Metadata.Name, back.Metadata.Name);
    }
}
