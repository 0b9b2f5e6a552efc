using Slipway.Core.Spec;
using static Slipway.Core.Tests.Spec.SpecParserErrorTests;
using static Slipway.Core.Tests.Spec.SpecTestFiles;

namespace Slipway.Core.Tests.Spec;

/// <summary>
/// Analysis templates and analysis references that are wrong: every problem at once, each at its file, line and
/// column, with its field path and what was expected, and nothing accepted.
/// </summary>
public sealed class AnalysisSpecErrorTests
{
    [Fact]
    public void Every_error_of_a_template_is_reported_at_once_in_line_order()
    {
        var result = Parse("""
            apiVersion: slipway.dev/v1alpha1
            kind: AnalysisTemplate
            metadata:
              name: Error_Rate
              namespace: prod
            spec:
              args:
                - name: service
                - name: service
                - name: 9lives
                  valueFrom: {secretKeyRef: {name: x}}
              dryRun: [{metricName: x}]
              metrics:
                - name: errors
                  interval: 500ms
                  count: 5
                  initialDelay: -1s
                  failureLimit: -2
                  consecutiveErrorLimit: -1
                  minSampleSize: 0
                  lowTraffic: pausse
                  provider:
                    router: {measure: errorrate, window: 10m, baseline: yes}
                - name: errors
                  count: 3
                  failureLimit: 5
                  maxExtension: 1m
                  provider:
                    prometheus:
                      address: prometheus.local:9090
                      query: 'sum(rate(x{svc="{{args.servce}}"}[1m])) / {{ap}} {{args.service'
                      timeout: 0s
                - name: judged
                  successCondition: result
                  provider:
                    judge: {errorRate: {margin: 2}, latency: false, confidence: 1, window: 1.5s}
                - name: smoke
                  minSampleSize: 10
                  provider:
                    job:
                      spec: {template: {}}
                      env: [{name: SLIPWAY_CANARY_URL, value: x}, {name: A}, {name: A}]
                - name: both
                  provider: {job: {command: x}, router: {measure: p99}}
                - name: http-get
                  successCondition: result == true
                  provider:
                    http: {url: "ftp://x", method: DELETE, timeoutSeconds: 5, headers: [{key: "Bad Header", value: v}]}
                - name: other
                  provider: {datadog: {query: x}}
            """);

        Assert.Empty(result.Templates);
        string[] expected =
            [
                "apps/web.yaml:4:9: metadata.name: must be a DNS label: lowercase letters, digits and '-', starting and ending with a letter or digit, got 'Error_Rate'",
                "apps/web.yaml:5:3: metadata.namespace: an analysis template is global to a Slipway server, like Argo's ClusterAnalysisTemplate: it serves every app and environment",
                "apps/web.yaml:9:13: spec.args[1].name: duplicate argument 'service' (first set at line 8)",
                "apps/web.yaml:10:13: spec.args[2].name: must be a letter or '_' followed by letters, digits, '-' or '_', got '9lives'",
                "apps/web.yaml:11:7: spec.args[2].valueFrom: not supported yet: give the value itself; the revisions are known as {{revision}} and {{stableRevision}}, the app and environment as {{app}} and {{environment}}",
                "apps/web.yaml:12:3: spec.dryRun: set dryRun: true on each metric that should be measured without deciding anything",
                "apps/web.yaml:14:7: spec.metrics[0]: a router metric needs a successCondition or a failureCondition (or both): without one every measurement would pass",
                "apps/web.yaml:15:17: spec.metrics[0].interval: must be at least 1s, got 500ms",
                "apps/web.yaml:17:21: spec.metrics[0].initialDelay: must be at least 0s, got -1s",
                "apps/web.yaml:18:21: spec.metrics[0].failureLimit: must be at least -1, got -2",
                "apps/web.yaml:19:30: spec.metrics[0].consecutiveErrorLimit: must be at least 0, got -1",
                "apps/web.yaml:20:22: spec.metrics[0].minSampleSize: must be at least 1, got 0",
                "apps/web.yaml:21:19: spec.metrics[0].lowTraffic: expected pause or extend, got 'pausse' (did you mean 'pause'?)",
                "apps/web.yaml:23:27: spec.metrics[0].provider.router.measure: expected one of: requestCount, requestRate, successRate, errorRate, p50, p90, p95, p99, got 'errorrate' (did you mean 'errorRate'?)",
                "apps/web.yaml:23:46: spec.metrics[0].provider.router.window: must be between 1s and 5m, got 10m",
                "apps/web.yaml:23:61: spec.metrics[0].provider.router.baseline: expected a boolean (true or false), got string 'yes'",
                "apps/web.yaml:24:7: spec.metrics[1]: a prometheus metric needs a successCondition or a failureCondition (or both): without one every measurement would pass",
                "apps/web.yaml:24:13: spec.metrics[1].name: duplicate metric name 'errors' (first used at line 14)",
                "apps/web.yaml:25:14: spec.metrics[1].count: a count above 1 needs an interval: how long to wait between measurements, got count 3 and no interval",
                "apps/web.yaml:25:14: spec.metrics[1].count: must be at least failureLimit (5), got 3",
                "apps/web.yaml:27:7: spec.metrics[1].maxExtension: applies only to router, judge and slo metrics, which count requests; this is a prometheus metric",
                "apps/web.yaml:30:20: spec.metrics[1].provider.prometheus.address: expected an http:// or https:// URL, got 'prometheus.local:9090'",
                "apps/web.yaml:31:35: spec.metrics[1].provider.prometheus.query: unknown argument 'servce' (did you mean 'service'?): declare it in the template's spec.args",
                "apps/web.yaml:31:61: spec.metrics[1].provider.prometheus.query: unknown placeholder '{{ap}}' (did you mean '{{app}}'?): expected {{args.NAME}}, {{app}}, {{environment}}, {{revision}} or {{stableRevision}}",
                "apps/web.yaml:31:68: spec.metrics[1].provider.prometheus.query: '{{' has no closing '}}': a placeholder is written {{args.NAME}}",
                "apps/web.yaml:32:20: spec.metrics[1].provider.prometheus.timeout: must be at least 1ms, got 0s",
                "apps/web.yaml:34:25: spec.metrics[2].successCondition: a judge metric takes no conditions: the judge decides each measurement itself (see docs/judge.md)",
                "apps/web.yaml:36:37: spec.metrics[2].provider.judge.errorRate.margin: must be between 0 and 1, got 2",
                "apps/web.yaml:36:50: spec.metrics[2].provider.judge.latency: expected a mapping (latency: {} runs the test with its defaults), got boolean 'false': leave latency out to run only the other test",
                "apps/web.yaml:36:69: spec.metrics[2].provider.judge.confidence: must be more than 0.5 and less than 1, got 1",
                "apps/web.yaml:36:80: spec.metrics[2].provider.judge.window: must be a whole number of seconds (the router counts requests per second), got 1.5s",
                "apps/web.yaml:38:7: spec.metrics[3].minSampleSize: applies only to router, judge and slo metrics, which count requests; this is a job metric",
                "apps/web.yaml:40:9: spec.metrics[3].provider.job.command: missing required field 'command'",
                "apps/web.yaml:41:11: spec.metrics[3].provider.job.spec: Slipway runs a command on this machine, not a Kubernetes Job: give command, args, env and timeout",
                "apps/web.yaml:42:24: spec.metrics[3].provider.job.env[0].name: SLIPWAY_CANARY_URL is reserved: Slipway sets it to the address of the revision under analysis",
                "apps/web.yaml:42:73: spec.metrics[3].provider.job.env[2].name: duplicate env name 'A' (first set at line 42)",
                "apps/web.yaml:44:37: spec.metrics[4].provider: must set only one provider; got 'job' and 'router'",
                "apps/web.yaml:48:21: spec.metrics[5].provider.http.url: expected an http:// or https:// URL, got 'ftp://x'",
                "apps/web.yaml:48:40: spec.metrics[5].provider.http.method: expected GET, POST or PUT, got 'DELETE'",
                "apps/web.yaml:48:48: spec.metrics[5].provider.http.timeoutSeconds: Slipway takes a duration: timeout: 10s",
                "apps/web.yaml:48:83: spec.metrics[5].provider.http.headers[0].key: must be an HTTP header name, got 'Bad Header'",
                "apps/web.yaml:50:18: spec.metrics[6].provider.datadog: is not one of Slipway's providers: use prometheus for a metrics store, http for any JSON API, job for a command, or router and judge for the router's own counters",
            ];
        Assert.Equal(string.Join(Environment.NewLine, expected), string.Join(Environment.NewLine, result.Errors));
    }

    [Fact]
    public void Every_error_of_the_analysis_references_of_an_application_is_reported_at_once()
    {
        var errors = Errors(Minimal + """

              strategy:
                canary:
                  analysis:
                    templates: [{templateName: error-rate}, {templateName: error-rate, clusterScope: true}, error-rate]
                    args: [{name: service, value: web}, {name: service, value: x}, {name: quantile}]
                    startingStep: 4
                    onFailure: rollback
                    dryRun: [{metricName: .*}]
                  steps:
                    - setWeight: 10
                    - analysis:
                        startingStep: 1
                    - analysis:
                        metrics:
                          - name: smoke
                            provider: {job: {command: "./smoke.sh {{args.x}} {{nope}}"}}
                          - name: smoke
                            provider: {job: {command: ./other.sh}}
            """);

        string[] expected =
            [
                "apps/web.yaml:12:64: spec.strategy.canary.analysis.templates[1].templateName: template 'error-rate' is already named at line 12: each template runs once per analysis",
                "apps/web.yaml:12:76: spec.strategy.canary.analysis.templates[1].clusterScope: not needed: every Slipway template serves every app and environment, like Argo's ClusterAnalysisTemplate",
                "apps/web.yaml:12:97: spec.strategy.canary.analysis.templates[2]: expected a mapping such as {templateName: error-rate}, got string 'error-rate'",
                "apps/web.yaml:13:52: spec.strategy.canary.analysis.args[1].name: duplicate argument 'service' (first set at line 13)",
                "apps/web.yaml:13:72: spec.strategy.canary.analysis.args[2].value: missing required field 'value'",
                "apps/web.yaml:14:23: spec.strategy.canary.analysis.startingStep: must be between 0 and 3 (the canary has 3 steps; steps count from 0), got 4",
                "apps/web.yaml:15:20: spec.strategy.canary.analysis.onFailure: expected abort or pause, got 'rollback'",
                "apps/web.yaml:16:9: spec.strategy.canary.analysis.dryRun: set dryRun: true on a metric, or onFailure: pause on the analysis to try it without aborting rollouts",
                "apps/web.yaml:19:11: spec.strategy.canary.steps[1].analysis: must name at least one template (templates: [{templateName: …}]) or hold at least one metric (metrics)",
                "apps/web.yaml:20:13: spec.strategy.canary.steps[1].analysis.startingStep: applies only to background analysis (spec.strategy.canary.analysis); an analysis step starts where it is",
                "apps/web.yaml:24:66: spec.strategy.canary.steps[2].analysis.metrics[0].provider.job.command: unknown placeholder '{{nope}}': expected {{args.NAME}}, {{app}}, {{environment}}, {{revision}} or {{stableRevision}}",
                "apps/web.yaml:25:23: spec.strategy.canary.steps[2].analysis.metrics[1].name: duplicate metric name 'smoke' (first used at line 23)",
            ];
        Assert.Equal(string.Join(Environment.NewLine, expected), string.Join(Environment.NewLine, errors));
    }

    [Fact]
    public void Blue_green_analyses_are_checked_and_a_misspelt_one_is_suggested()
    {
        var errors = Errors(Minimal + """

              strategy:
                blueGreen:
                  prePromotionAnalysis: {templates: [{templateName: Smoke}]}
                  postPromotionAnalysis: {}
                  postPromotionAnalysys: {}
            """);

        Assert.Collection(
            errors,
            e => AssertError(e, 11, 57, "spec.strategy.blueGreen.prePromotionAnalysis.templates[0].templateName", "must be a DNS label"),
            e => AssertError(e, 12, 7, "spec.strategy.blueGreen.postPromotionAnalysis", "must name at least one template"),
            e => AssertError(e, 13, 7, "spec.strategy.blueGreen.postPromotionAnalysys", "unknown field 'postPromotionAnalysys' (did you mean 'postPromotionAnalysis'?)"));
    }

    [Theory]
    [InlineData("count: 0", 30, "spec.metrics[0].count", "must be at least 1, got 0")]
    [InlineData("interval: soon", 33, "spec.metrics[0].interval", "expected a duration such as '30s', '5m', '1h30m' or a number of seconds, got string 'soon'")]
    [InlineData("interval: 1s, count: 3, failureLimit: 2, consecutiveSuccessLimit: 2", 44, "spec.metrics[0].count", "must be at least failureLimit + consecutiveSuccessLimit (2 + 2), got 3")]
    [InlineData("interval: 1s, count: 1, failureLimit: -1, consecutiveSuccessLimit: 2", 44, "spec.metrics[0].count", "must be at least consecutiveSuccessLimit (2), got 1")]
    [InlineData("interval: 1s, count: 1, inconclusiveLimit: 2", 44, "spec.metrics[0].count", "must be at least inconclusiveLimit (2), got 1")]
    [InlineData("failureLimit: -1", 37, "spec.metrics[0].failureLimit", "-1 (no failure limit) needs a consecutiveSuccessLimit")]
    [InlineData("consecutiveSuccessLimit: -1", 48, "spec.metrics[0].consecutiveSuccessLimit", "must be at least 0, got -1")]
    [InlineData("dryRun: maybe", 31, "spec.metrics[0].dryRun", "expected a boolean (true or false), got string 'maybe'")]
    [InlineData("maxExtension: 1m", 23, "spec.metrics[0].maxExtension", "applies only with lowTraffic: extend")]
    [InlineData("lowTraffic: extend, maxExtension: 0s", 57, "spec.metrics[0].maxExtension", "must be at least 1s, got 0s")]
    public void Metric_settings_out_of_range(string fields, int column, string path, string message)
    {
        var error = SingleError(TemplateWith($"{{name: m, {fields}, successCondition: result < 1, provider: {{router: {{measure: p99}}}}}}"));

        AssertError(error, 7, column, path, message);
    }

    [Theory]
    [InlineData("{router: {}}", 64, "spec.metrics[0].provider.router.measure", "missing required field 'measure'")]
    [InlineData("{router: {measure: p99, window: 0s}}", 95, "spec.metrics[0].provider.router.window", "must be between 1s and 5m, got 0s")]
    [InlineData("{}", 53, "spec.metrics[0].provider", "must set exactly one of: router, judge, prometheus, http (or web), job, slo")]
    [InlineData("{prometheus: {}}", 64, "spec.metrics[0].provider.prometheus.query", "missing required field 'query'")]
    [InlineData("{prometheus: {query: up, address: 'http://{{args.host}}:9090'}}", 105, "spec.metrics[0].provider.prometheus.address", "unknown argument 'host': declare it in the template's spec.args")]
    [InlineData("{http: {url: 'https://x', body: 'b'}}", 95, "spec.metrics[0].provider.http.body", "a GET request has no body: set method: POST or PUT")]
    [InlineData("{http: {url: 'https://x', jsonPath: ''}}", 99, "spec.metrics[0].provider.http.jsonPath", "must not be empty")]
    [InlineData("{http: {url: 'https://'}}", 76, "spec.metrics[0].provider.http.url", "expected an http:// or https:// URL, got 'https://'")]
    [InlineData("{web: {url: 'https://x', insecure: true}}", 88, "spec.metrics[0].provider.web.insecure", "not supported: Slipway always checks TLS certificates")]
    public void Provider_problems(string provider, int column, string path, string message)
    {
        var error = SingleError(TemplateWith($"{{name: m, successCondition: result < 1, provider: {provider}}}"));

        AssertError(error, 7, column, path, message);
    }

    [Fact]
    public void A_url_from_a_placeholder_is_checked_when_the_analysis_runs_not_before()
    {
        var result = Parse(TemplateWith("{name: m, successCondition: result == 1, provider: {http: {url: '{{args.url}}/status'}}}", args: "[{name: url}]"));

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
    }

    [Fact]
    public void A_router_prometheus_or_http_metric_without_a_condition_says_why_it_needs_one()
    {
        var error = SingleError(TemplateWith("{name: m, provider: {http: {url: 'https://x'}}}"));

        AssertError(error, 7, 13, "spec.metrics[0]", "an http metric needs a successCondition or a failureCondition (or both): without one every measurement would pass");
    }

    [Fact]
    public void A_template_needs_metrics()
    {
        var errors = Errors("apiVersion: slipway.dev/v1alpha1\nkind: AnalysisTemplate\nmetadata: {name: t}\nspec: {metrics: []}\n---\napiVersion: slipway.dev/v1alpha1\nkind: AnalysisTemplate\nmetadata: {name: u}\nspec: {}\n");

        Assert.Collection(
            errors,
            e => AssertError(e, 4, 17, "spec.metrics", "must hold at least one metric"),
            e => AssertError(e, 9, 1, "spec.metrics", "missing required field 'metrics'"));
    }

    [Fact]
    public void A_misspelt_kind_is_suggested_and_the_document_is_still_checked_as_that_kind()
    {
        var errors = Errors(TemplateWith("{name: m, provider: {job: {}}}").Replace("kind: AnalysisTemplate", "kind: AnalysisTemplates", StringComparison.Ordinal));

        Assert.Collection(
            errors,
            e => AssertError(e, 2, 7, "kind", "expected 'Application', 'AnalysisTemplate' or 'ImagePolicy', got 'AnalysisTemplates' (did you mean 'AnalysisTemplate'?)"),
            e => AssertError(e, 7, 34, "spec.metrics[0].provider.job.command", "missing required field 'command'"));
    }

    [Fact]
    public void Two_templates_of_the_same_name_name_the_first_ones_line()
    {
        var error = SingleError(TemplateWith("[{name: m, provider: {job: {command: x}}}]") + "\n---\n" + TemplateWith("[{name: m, provider: {job: {command: y}}}]"));

        AssertError(error, 12, 9, "metadata.name", "duplicate analysis template 't': also defined at line 4");
    }

    [Fact]
    public void A_null_analysis_is_not_set_but_a_null_analysis_step_is_a_step_with_nothing_to_run()
    {
        var unset = ParseOne(Minimal + "\n  strategy:\n    blueGreen:\n      prePromotionAnalysis:\n      postPromotionAnalysis: ~\n");
        var step = SingleError(Minimal + "\n  strategy:\n    canary:\n      analysis:\n      steps:\n        - analysis:\n");

        var blueGreen = Assert.IsType<BlueGreenStrategy>(unset.Spec.Strategy);
        Assert.Null(blueGreen.PrePromotionAnalysis);
        Assert.Null(blueGreen.PostPromotionAnalysis);
        AssertError(step, 13, 11, "spec.strategy.canary.steps[0].analysis", "must name at least one template");
    }

    [Fact]
    public void An_analysis_reference_with_nothing_to_run_is_an_error()
    {
        var error = SingleError(Minimal + "\n  strategy: {canary: {analysis: {args: [{name: a, value: b}]}}}\n");

        AssertError(error, 9, 23, "spec.strategy.canary.analysis", "must name at least one template (templates: [{templateName: …}]) or hold at least one metric (metrics)");
    }

    /// <summary>A template whose single metric (flow style) is on line 7.</summary>
    internal static string TemplateWith(string metric, string args = "[]") => $"""
        apiVersion: slipway.dev/v1alpha1
        kind: AnalysisTemplate
        metadata:
          name: t
        spec:
          args: {args}
          metrics: [{metric.TrimStart('[').TrimEnd(']')}]
        """;
}
