using Slipway.Core.Analysis;
using Slipway.Core.Spec;
using static Slipway.Core.Tests.Spec.SpecParserErrorTests;
using static Slipway.Core.Tests.Spec.SpecTestFiles;

namespace Slipway.Core.Tests.Analysis;

/// <summary>
/// Analysis references joined to the templates they name: checked when applied (every problem at its line in the
/// application's file), resolved when a run starts (every placeholder replaced).
/// </summary>
public sealed class AnalysisResolverTests
{
    private const string Templates = """
        apiVersion: slipway.dev/v1alpha1
        kind: AnalysisTemplate
        metadata: {name: error-rate}
        spec:
          args:
            - name: service
            - name: window
              value: 1m
          metrics:
            - name: errors
              successCondition: result[0] < 0.05
              provider:
                prometheus:
                  address: "http://prometheus.{{environment}}.local:9090"
                  query: 'sum(rate(errors{service="{{args.service}}",revision="{{revision}}"}[{{args.window}}]))'
        ---
        apiVersion: slipway.dev/v1alpha1
        kind: AnalysisTemplate
        metadata: {name: smoke}
        spec:
          args:
            - name: service
          metrics:
            - name: smoke
              provider:
                job:
                  command: ./smoke.sh
                  args: ["--service={{args.service}}", "--from={{stableRevision}}", "--to={{revision}}"]
                  env: [{name: APP, value: "{{app}}"}]
        ---
        apiVersion: slipway.dev/v1alpha1
        kind: AnalysisTemplate
        metadata: {name: also-errors}
        spec:
          args:
            - name: window
              value: 5m
          metrics:
            - name: errors
              provider: {job: {command: ./errors.sh}}
        """;

    private static readonly IReadOnlyDictionary<string, AnalysisTemplate> Known =
        Parse(Templates).Templates.ToDictionary(t => t.Name, StringComparer.Ordinal);

    [Fact]
    public void A_reference_that_fits_its_templates_has_no_problem()
    {
        var manifest = App("""
            analysis:
                    templates: [{templateName: error-rate}, {templateName: smoke}]
                    args: [{name: service, value: web}]
            """);

        Assert.Empty(AnalysisResolver.Check(manifest, Known));
    }

    [Fact]
    public void An_unknown_template_is_reported_at_its_name_with_the_closest_known_one()
    {
        var manifest = App("""
            analysis:
                    templates: [{templateName: error-rates}]
                    args: [{name: service, value: web}]
            """);

        var error = Assert.Single(AnalysisResolver.Check(manifest, Known));

        AssertError(error, 12, 36, "spec.strategy.canary.analysis.templates[0].templateName", "no analysis template named 'error-rates' (did you mean 'error-rate'?): apply it (a kind: AnalysisTemplate document) before this spec or with it");
        Assert.Equal("apps/web.yaml", error.File);
    }

    [Fact]
    public void An_argument_without_a_default_must_be_given()
    {
        var manifest = App("""
            analysis:
                    templates: [{templateName: error-rate}]
            """);

        var error = Assert.Single(AnalysisResolver.Check(manifest, Known));

        AssertError(error, 11, 7, "spec.strategy.canary.analysis.args", "template 'error-rate' needs argument 'service', which has no default: add {name: service, value: …} to args");
    }

    [Fact]
    public void An_argument_no_template_declares_is_reported_at_its_name()
    {
        var manifest = App("""
            analysis:
                    templates: [{templateName: error-rate}]
                    args: [{name: service, value: web}, {name: servise, value: api}]
            """);

        var error = Assert.Single(AnalysisResolver.Check(manifest, Known));

        AssertError(error, 13, 52, "spec.strategy.canary.analysis.args[1].name", "no template of this analysis declares argument 'servise' (did you mean 'service'?), and no inline metric uses it");
    }

    [Fact]
    public void Metric_names_must_be_unique_across_templates_and_inline_metrics()
    {
        var manifest = App("""
            analysis:
                    templates: [{templateName: error-rate}, {templateName: also-errors}]
                    args: [{name: service, value: web}, {name: window, value: 2m}]
                    metrics:
                      - {name: errors, provider: {job: {command: ./inline.sh}}}
            """);

        Assert.Collection(
            AnalysisResolver.Check(manifest, Known),
            e => AssertError(e, 12, 64, "spec.strategy.canary.analysis.templates[1].templateName", "templates 'error-rate' and 'also-errors' both have a metric named 'errors': metric names must be unique within an analysis"),
            e => AssertError(e, 15, 20, "spec.strategy.canary.analysis.metrics[0].name", "template 'error-rate' already has a metric named 'errors'"));
    }

    [Fact]
    public void Two_templates_with_different_defaults_for_one_argument_need_its_value_from_the_reference()
    {
        var defaults = Known.Values.Append(Template("five", "window", "5s")).Append(Template("ten", "window", "10s")).ToDictionary(t => t.Name, StringComparer.Ordinal);
        var conflicting = App("analysis: {templates: [{templateName: five}, {templateName: ten}]}");
        var given = App("analysis: {templates: [{templateName: five}, {templateName: ten}], args: [{name: window, value: 1s}]}");

        var error = Assert.Single(AnalysisResolver.Check(conflicting, defaults));
        AssertError(error, 11, 67, "spec.strategy.canary.analysis.templates[1].templateName", "templates 'five' and 'ten' both declare argument 'window', with different defaults ('5s' and '10s'): give its value in args");
        Assert.Empty(AnalysisResolver.Check(given, defaults));
    }

    [Fact]
    public void An_inline_metric_takes_its_arguments_from_args_or_the_templates_and_says_which_one_has_none()
    {
        var manifest = App("""
            analysis:
                    templates: [{templateName: also-errors}]
                    args: [{name: token, value: t0k3n}]
                    metrics:
                      - name: ready
                        successCondition: result == true
                        provider:
                          http:
                            url: "https://status.local/{{args.service}}?window={{args.window}}"
                            headers: [{key: X-Token, value: "{{args.token}}"}]
            """);

        var error = Assert.Single(AnalysisResolver.Check(manifest, Known));

        AssertError(error, 19, 22, "spec.strategy.canary.analysis.metrics[0].provider.http.url", "'{{args.service}}' has no value: add {name: service, value: …} to args (no template of this analysis declares 'service')");
    }

    [Fact]
    public void Every_reference_of_the_spec_is_checked_and_the_errors_come_in_line_order()
    {
        var manifest = ParseOne(Minimal + """

              strategy:
                canary:
                  analysis: {templates: [{templateName: nope}]}
                  steps:
                    - setWeight: 20
                    - analysis: {templates: [{templateName: smoke}]}
            """);

        Assert.Collection(
            AnalysisResolver.Check(manifest, Known),
            e => AssertError(e, 11, 45, "spec.strategy.canary.analysis.templates[0].templateName", "no analysis template named 'nope'"),
            e => AssertError(e, 14, 11, "spec.strategy.canary.steps[1].analysis.args", "template 'smoke' needs argument 'service'"));
    }

    [Fact]
    public void Blue_green_references_are_checked_too()
    {
        var manifest = ParseOne(Minimal + "\n  strategy: {blueGreen: {prePromotionAnalysis: {templates: [{templateName: smoke}]}, postPromotionAnalysis: {templates: [{templateName: gone}]}}}\n");

        Assert.Equal(
            ["spec.strategy.blueGreen.prePromotionAnalysis.args", "spec.strategy.blueGreen.postPromotionAnalysis.templates[0].templateName"],
            AnalysisResolver.Check(manifest, Known).Select(e => e.Path));
    }

    [Fact]
    public void An_analysis_the_rollout_waits_for_must_end_by_itself()
    {
        var endless = Known.Values.Append(new AnalysisTemplate("watch", [], [new MetricSpec("watch", new JobMetricProvider("./watch.sh", [], [], JobMetricProvider.DefaultTimeout)) { Interval = TimeSpan.FromSeconds(5) }]))
            .ToDictionary(t => t.Name, StringComparer.Ordinal);
        var step = ParseOne(Minimal + """

              strategy:
                canary:
                  analysis: {templates: [{templateName: watch}]}
                  steps:
                    - analysis:
                        templates: [{templateName: watch}]
                        metrics:
                          - {name: p99, interval: 1s, successCondition: result < 300, provider: {router: {measure: p99}}}
                          - {name: p50, interval: 1s, count: 5, successCondition: result < 100, provider: {router: {measure: p50}}}
                          - {name: ok, interval: 1s, consecutiveSuccessLimit: 3, successCondition: result < 1, provider: {router: {measure: errorRate}}}
            """);

        Assert.Collection(
            AnalysisResolver.Check(step, endless),
            e => AssertError(e, 14, 40, "spec.strategy.canary.steps[0].analysis.templates[0].templateName", "metric 'watch' of template 'watch' has an interval and neither a count nor a consecutiveSuccessLimit"),
            e => AssertError(e, 16, 39, "spec.strategy.canary.steps[0].analysis.metrics[0].interval", "metric 'p99' has an interval and neither a count nor a consecutiveSuccessLimit, so it is measured until the analysis is stopped; the rollout waits for this analysis to end, and would wait for ever: give it a count"));
    }

    [Fact]
    public void Resolution_replaces_every_argument_and_built_in_in_templates_then_inline_metrics()
    {
        var analysis = Reference(App("""
            analysis:
                    templates: [{templateName: error-rate}, {templateName: smoke}]
                    args: [{name: service, value: web}]
                    metrics:
                      - name: ready
                        successCondition: result == true
                        provider: {http: {url: "https://status.local/{{app}}/{{args.service}}", headers: [{key: X-Env, value: "{{ environment }}"}]}}
            """));

        var resolution = AnalysisResolver.Resolve(analysis, Known, new AnalysisBuiltIns("web", "prod", Revision: 7, StableRevision: 6));

        Assert.True(resolution.IsValid, string.Join("\n", resolution.Errors));
        Assert.Equal(["errors", "smoke", "ready"], resolution.Metrics.Select(m => m.Name));
        var prometheus = (PrometheusMetricProvider)resolution.Metrics[0].Provider;
        Assert.Equal("http://prometheus.prod.local:9090", prometheus.Address);
        Assert.Equal("sum(rate(errors{service=\"web\",revision=\"7\"}[1m]))", prometheus.Query);
        Assert.Equal("result[0] < 0.05", resolution.Metrics[0].SuccessCondition);
        var job = (JobMetricProvider)resolution.Metrics[1].Provider;
        Assert.Equal(["--service=web", "--from=6", "--to=7"], job.Args);
        Assert.Equal([new EnvVar("APP", "web")], job.Env);
        var http = (HttpMetricProvider)resolution.Metrics[2].Provider;
        Assert.Equal("https://status.local/web/web", http.Url);
        Assert.Equal([new HttpHeaderSpec("X-Env", "prod")], http.Headers);
    }

    [Fact]
    public void A_given_value_overrides_the_default_and_a_first_rollout_has_no_stable_revision()
    {
        var analysis = Reference(App("""
            analysis:
                    templates: [{templateName: error-rate}, {templateName: smoke}]
                    args: [{name: service, value: api}, {name: window, value: 30s}]
            """));

        var resolution = AnalysisResolver.Resolve(analysis, Known, new AnalysisBuiltIns("api", "dev", Revision: 1, StableRevision: null));

        Assert.EndsWith("[30s]))", ((PrometheusMetricProvider)resolution.Metrics[0].Provider).Query, StringComparison.Ordinal);
        Assert.Equal(["--service=api", "--from=", "--to=1"], ((JobMetricProvider)resolution.Metrics[1].Provider).Args);
    }

    [Fact]
    public void A_template_deleted_since_the_apply_makes_the_run_fail_with_the_reason()
    {
        var analysis = Reference(App("analysis: {templates: [{templateName: smoke}], args: [{name: service, value: web}]}"));

        var resolution = AnalysisResolver.Resolve(analysis, new Dictionary<string, AnalysisTemplate>(), new AnalysisBuiltIns("web", "dev", 2, 1));

        Assert.False(resolution.IsValid);
        Assert.Empty(resolution.Metrics);
        Assert.StartsWith("templates[0].templateName: no analysis template named 'smoke'", Assert.Single(resolution.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_reference_of_a_spec_is_found_with_its_path()
    {
        var canary = ParseOne(Minimal + "\n  strategy: {canary: {analysis: {templates: [{templateName: a}]}, steps: [{setWeight: 5}, {analysis: {templates: [{templateName: b}]}}]}}\n");
        var blueGreen = ParseOne(Minimal + "\n  strategy: {blueGreen: {postPromotionAnalysis: {templates: [{templateName: c}]}}}\n");

        Assert.Equal(
            ["spec.strategy.canary.analysis=a", "spec.strategy.canary.steps[1].analysis=b"],
            AnalysisRefSite.Of(canary.Spec).Select(s => $"{s.Path}={s.Analysis.Templates[0]}"));
        Assert.Equal(["spec.strategy.blueGreen.postPromotionAnalysis=c"], AnalysisRefSite.Of(blueGreen.Spec).Select(s => $"{s.Path}={s.Analysis.Templates[0]}"));
    }

    /// <summary>The minimal app with a canary whose background analysis is <paramref name="analysis"/> (from line 11).</summary>
    private static ApplicationManifest App(string analysis) => ParseOne(Minimal + $"""

          strategy:
            canary:
              {analysis}
              steps: [{"{setWeight: 50}"}]
        """);

    private static AnalysisRef Reference(ApplicationManifest manifest) => ((CanaryStrategy)manifest.Spec.Strategy).Analysis!.Analysis;

    private static AnalysisTemplate Template(string name, string arg, string value) =>
        new(name, [new AnalysisArg(arg, value)], [new MetricSpec(name, new JobMetricProvider("./" + name, [], [], JobMetricProvider.DefaultTimeout))]);
}
