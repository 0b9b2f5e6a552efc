using Slipway.Core.Analysis;
using Slipway.Core.Spec;
using static Slipway.Core.Tests.Spec.SpecTestFiles;

namespace Slipway.Core.Tests.Spec;

/// <summary>Valid <c>kind: AnalysisTemplate</c> documents map onto the analysis records, with every default filled.</summary>
public sealed class AnalysisTemplateParserTests
{
    [Fact]
    public void A_complete_template_maps_every_field()
    {
        var template = ParseTemplate("""
            apiVersion: slipway.dev/v1alpha1
            kind: AnalysisTemplate
            metadata: {name: error-rate}
            spec:
              args:
                - name: service
                - name: quantile
                  value: "0.99"
              metrics:
                - name: errors
                  interval: 1s
                  count: 10
                  initialDelay: 5s
                  successCondition: result <= 0.05
                  failureCondition: result > 0.2
                  failureLimit: 2
                  inconclusiveLimit: 1
                  consecutiveErrorLimit: 3
                  consecutiveSuccessLimit: 3
                  dryRun: true
                  minSampleSize: 50
                  lowTraffic: extend
                  maxExtension: 2m
                  provider:
                    router: {measure: errorRate, window: 30s, baseline: true}
            """);

        Assert.Equal("error-rate", template.Name);
        Assert.Equal([new AnalysisArg("service", null), new AnalysisArg("quantile", "0.99")], template.Args);
        var metric = Assert.Single(template.Metrics);
        Assert.Equal(new RouterMetricProvider(RouterMeasure.ErrorRate, TimeSpan.FromSeconds(30), Baseline: true), metric.Provider);
        Assert.Equal(
            ("errors", TimeSpan.FromSeconds(1), 10, TimeSpan.FromSeconds(5), "result <= 0.05", "result > 0.2"),
            (metric.Name, metric.Interval, metric.Count, metric.InitialDelay, metric.SuccessCondition, metric.FailureCondition));
        Assert.Equal((2, 1, 3, 3, true), (metric.FailureLimit, metric.InconclusiveLimit, metric.ConsecutiveErrorLimit, metric.ConsecutiveSuccessLimit, metric.DryRun));
        Assert.Equal((50, LowTrafficPolicy.Extend, TimeSpan.FromMinutes(2)), (metric.MinSampleSize, metric.LowTraffic, metric.MaxExtension));
    }

    [Fact]
    public void A_metric_with_only_a_name_a_provider_and_a_condition_takes_argo_defaults()
    {
        var metric = ParseMetric("""
            - name: p99
              successCondition: result < 300
              provider: {router: {measure: p99}}
            """);

        Assert.Equal(new RouterMetricProvider(RouterMeasure.P99, RouterMetricProvider.DefaultWindow, Baseline: false), metric.Provider);
        Assert.Null(metric.Interval);
        Assert.Null(metric.Count);
        Assert.Equal(TimeSpan.Zero, metric.InitialDelay);
        Assert.Null(metric.FailureCondition);
        Assert.Equal((0, 0, MetricSpec.DefaultConsecutiveErrorLimit, (int?)null, false), (metric.FailureLimit, metric.InconclusiveLimit, metric.ConsecutiveErrorLimit, metric.ConsecutiveSuccessLimit, metric.DryRun));
        Assert.Equal((MetricSpec.DefaultMinSampleSize, LowTrafficPolicy.Pause, MetricSpec.DefaultMaxExtension), (metric.MinSampleSize, metric.LowTraffic, metric.MaxExtension));
    }

    [Theory]
    [InlineData("requestCount", RouterMeasure.RequestCount)]
    [InlineData("requestRate", RouterMeasure.RequestRate)]
    [InlineData("successRate", RouterMeasure.SuccessRate)]
    [InlineData("errorRate", RouterMeasure.ErrorRate)]
    [InlineData("p50", RouterMeasure.P50)]
    [InlineData("p90", RouterMeasure.P90)]
    [InlineData("p95", RouterMeasure.P95)]
    [InlineData("p99", RouterMeasure.P99)]
    public void Every_router_measure_is_read(string written, RouterMeasure measure)
    {
        var metric = ParseMetric($"- {{name: m, successCondition: result >= 0, provider: {{router: {{measure: {written}}}}}}}");

        Assert.Equal(measure, ((RouterMetricProvider)metric.Provider).Measure);
    }

    [Fact]
    public void The_judge_runs_both_tests_with_their_defaults_when_neither_is_named()
    {
        var metric = ParseMetric("- {name: judged, interval: 5s, provider: {judge: {}}}");

        Assert.Equal(
            new JudgeMetricProvider(ErrorRate: true, Latency: true, JudgeMetricProvider.DefaultErrorRateMargin, JudgeMetricProvider.DefaultLatencyTolerance, JudgeMetricProvider.DefaultConfidence, Window: null),
            metric.Provider);
        Assert.Null(metric.SuccessCondition);
    }

    [Fact]
    public void Naming_one_judge_test_runs_only_that_one_with_its_settings()
    {
        var errorsOnly = ParseMetric("- {name: j, provider: {judge: {errorRate: {margin: 0.01}, confidence: 0.95, window: 60s}}}");
        var latencyOnly = ParseMetric("- {name: j, provider: {judge: {latency: {tolerance: 1.2}}}}");

        Assert.Equal(new JudgeMetricProvider(true, false, 0.01, JudgeMetricProvider.DefaultLatencyTolerance, 0.95, TimeSpan.FromMinutes(1)), errorsOnly.Provider);
        Assert.Equal(new JudgeMetricProvider(false, true, 0, 1.2, JudgeMetricProvider.DefaultConfidence, null), latencyOnly.Provider);
    }

    [Fact]
    public void Prometheus_takes_the_default_address_and_timeout()
    {
        var metric = ParseMetric("""
            - name: up
              successCondition: result[0] == 1
              provider:
                prometheus:
                  query: up{job="{{args.job}}"}
            """, args: "[{name: job, value: router}]");

        Assert.Equal(new PrometheusMetricProvider(PrometheusMetricProvider.DefaultAddress, "up{job=\"{{args.job}}\"}", PrometheusMetricProvider.DefaultTimeout), metric.Provider);
    }

    [Fact]
    public void Http_and_its_argo_name_web_read_the_same()
    {
        const string Fields = """{url: "https://status.local/{{app}}", method: post, headers: [{key: Authorization, value: "Bearer {{args.token}}"}], body: '{"q": 1}', jsonPath: "{$.data.ok}", timeout: 2s}""";
        var http = ParseMetric($"- {{name: ok, successCondition: result == true, provider: {{http: {Fields}}}}}", args: "[{name: token}]");
        var web = ParseMetric($"- {{name: ok, successCondition: result == true, provider: {{web: {Fields}}}}}", args: "[{name: token}]");

        var expected = new HttpMetricProvider("https://status.local/{{app}}", "POST", [new HttpHeaderSpec("Authorization", "Bearer {{args.token}}")], "{\"q\": 1}", "{$.data.ok}", TimeSpan.FromSeconds(2));
        Assert.True(Same(expected, http.Provider));
        Assert.True(Same(expected, web.Provider));
    }

    [Fact]
    public void A_job_needs_no_condition_and_takes_its_default_timeout()
    {
        var metric = ParseMetric("""
            - name: smoke
              provider:
                job:
                  command: ./smoke.sh
                  args: [--app, "{{app}}", --revision, "{{revision}}"]
                  env: [{name: TARGET, value: "{{environment}}"}]
            """);

        Assert.True(Same(new JobMetricProvider("./smoke.sh", ["--app", "{{app}}", "--revision", "{{revision}}"], [new EnvVar("TARGET", "{{environment}}")], JobMetricProvider.DefaultTimeout), metric.Provider));
        Assert.Null(metric.SuccessCondition);
    }

    [Fact]
    public void Failure_limit_minus_one_is_argos_no_limit_with_a_consecutive_success_limit()
    {
        var metric = ParseMetric("- {name: m, interval: 1s, count: 10, failureLimit: -1, consecutiveSuccessLimit: 3, successCondition: result < 1, provider: {router: {measure: errorRate}}}");

        Assert.Equal((MetricSpec.NoFailureLimit, (int?)3), (metric.FailureLimit, metric.ConsecutiveSuccessLimit));
    }

    [Fact]
    public void A_consecutive_success_limit_of_0_is_argos_way_of_leaving_it_unused()
    {
        var metric = ParseMetric("- {name: m, consecutiveSuccessLimit: 0, provider: {job: {command: true}}}");

        Assert.Null(metric.ConsecutiveSuccessLimit);
    }

    [Fact]
    public void Templates_and_applications_share_a_file_and_each_comes_back_in_file_order()
    {
        var result = Parse(Template("first") + "\n---\n" + Minimal + "\n---\n" + Template("second"));

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Equal(["first", "second"], result.Templates.Select(t => t.Name));
        Assert.Equal("web", Assert.Single(result.Manifests).Metadata.Name);
        Assert.Equal(["apps/web.yaml:4", "apps/web.yaml:21"], result.Templates.Select(t => $"{t.Source!.FileName}:{t.Source.PositionOf("metadata.name").Line}"));
    }

    [Fact]
    public void A_file_of_templates_only_is_valid()
    {
        var result = Parse(Template("only"));

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Empty(result.Manifests);
        Assert.Single(result.Templates);
    }

    internal static string Template(string name, string args = "[]", string metrics = "[{name: smoke, provider: {job: {command: ./smoke.sh}}}]") => $"""
        apiVersion: slipway.dev/v1alpha1
        kind: AnalysisTemplate
        metadata:
          name: {name}
        spec:
          args: {args}
          metrics: {metrics}
        """;

    internal static AnalysisTemplate ParseTemplate(string yaml)
    {
        var result = Parse(yaml);
        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Errors));
        Assert.Empty(result.Manifests);
        return Assert.Single(result.Templates);
    }

    /// <summary>A template with the metrics list given (block style, indented under <c>metrics:</c>) and the args.</summary>
    private static MetricSpec ParseMetric(string metrics, string args = "[]")
    {
        var indented = string.Join("\n", metrics.Split('\n').Select(l => "    " + l));
        return Assert.Single(ParseTemplate($"""
            apiVersion: slipway.dev/v1alpha1
            kind: AnalysisTemplate
            metadata: {"{name: t}"}
            spec:
              args: {args}
              metrics:
            {indented}
            """).Metrics);
    }

    private static bool Same<T>(T a, T b) => Slipway.Core.Serialization.SlipwayJson.SameValue(a, b);
}
