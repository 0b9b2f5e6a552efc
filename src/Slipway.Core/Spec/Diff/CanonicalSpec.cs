using Slipway.Core.Analysis;
using Slipway.Core.Slo;
using Slipway.Core.Spec.Parsing;
using YamlDotNet.Serialization;

namespace Slipway.Core.Spec.Diff;

/// <summary>
/// A parsed spec written back as YAML in one fixed form: the fields in the order docs/spec.md lists them, every
/// default filled in, block style, strings quoted only where YAML would read them as something else. Two specs that
/// mean the same thing render the same text, however they were written (field order, flow or block style, quoting,
/// comments, a default written or left out), so a line diff of two renderings shows only what changed in meaning.
/// </summary>
/// <remarks>
/// The artifact also shows its <c>digest</c> when it has one: the content of the directory, which changes on a rebuild
/// at the same path. Metadata labels are not kept by the server and are not rendered. Values are rendered as given:
/// mask secrets first (<see cref="SensitiveValues.Mask"/>).
/// </remarks>
public static class CanonicalSpec
{
    private static readonly ISerializer Serializer = new SerializerBuilder()
        .WithQuotingNecessaryStrings(quoteYaml1_1Strings: true)
        .WithIndentedSequences()
        .Build();

    public static string Render(string app, string environment, ApplicationSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var document = Map(
            ("apiVersion", ApplicationManifest.ApiVersion),
            ("kind", ApplicationManifest.Kind),
            ("metadata", Map(("name", app), ("environment", environment))),
            ("spec", Spec(spec)));
        return Serializer.Serialize(document);
    }

    /// <summary>An analysis template in the same fixed form (<c>slipway diff</c> of a template).</summary>
    public static string Render(AnalysisTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var document = Map(
            ("apiVersion", ApplicationManifest.ApiVersion),
            ("kind", AnalysisTemplate.Kind),
            ("metadata", Map(("name", template.Name))),
            ("spec", Map(
                ("args", template.Args.Select(a => Map(("name", a.Name), ("value", a.Value))).ToList()),
                ("metrics", template.Metrics.Select(Metric).ToList()))));
        return Serializer.Serialize(document);
    }

    private static Mapping Spec(ApplicationSpec spec)
    {
        var template = spec.Template;
        return Map(
            ("artifact", Map(("path", template.Artifact.Path), ("image", template.Artifact.Image), ("digest", template.Artifact.Digest))),
            ("command", template.Command),
            ("args", template.Args.ToList()),
            ("env", template.Env.Select(Env).ToList()),
            ("requiredEnv", spec.RequiredEnv.ToList()),
            ("port", template.Port),
            ("probes", template.Probes == ProbeSet.None || template.Probes is { Startup: null, Readiness: null, Liveness: null }
                ? null
                : Map(("startup", Probe(template.Probes.Startup)), ("readiness", Probe(template.Probes.Readiness)), ("liveness", Probe(template.Probes.Liveness)))),
            ("terminationGracePeriodSeconds", template.TerminationGracePeriodSeconds),
            ("replicas", spec.Replicas),
            ("route", Route(spec.Route)),
            ("progressDeadlineSeconds", spec.ProgressDeadlineSeconds),
            ("minReadySeconds", spec.MinReadySeconds),
            ("maxRestarts", spec.MaxRestarts),
            ("revisionHistoryLimit", spec.RevisionHistoryLimit),
            ("preflight", Map(("readinessProbe", spec.Preflight.ReadinessProbe.ToString().ToLowerInvariant()))),
            ("strategy", Strategy(spec.Strategy)),
            ("hooks", spec.Hooks.Count == 0 ? null : spec.Hooks.Select(Hook).ToList()),
            ("slos", spec.Slos.Count == 0 ? null : spec.Slos.Select(ServiceLevel).ToList()),
            ("errorBudgetPolicy", spec.Slos.Count == 0 ? null : Map(
                ("blockRollouts", spec.ErrorBudgetPolicy.BlockRollouts),
                ("burnRates", spec.ErrorBudgetPolicy.BurnRates.Select(a => Map(
                    ("long", SloText.Window(a.Long)), ("short", SloText.Window(a.Short)), ("factor", Number(a.Factor)))).ToList()))));
    }

    /// <summary>A value, or the secret key it comes from, with the version a revision pinned when it has one (as the
    /// artifact shows its digest): a changed secret shows as a changed version, never as a value.</summary>
    private static Mapping Env(EnvVar env) => env.SecretKeyRef is { } secret
        ? Map(("name", env.Name), ("valueFrom", Map(("secretKeyRef", Map(("name", secret.Name), ("key", secret.Key), ("version", secret.Version))))))
        : Map(("name", env.Name), ("value", env.Value));

    /// <summary>A hook with every default, as docs/spec.md lists its fields.</summary>
    private static Mapping Hook(Hooks.HookSpec hook) => Map(
        ("name", hook.Name),
        ("type", Hooks.HookNames.Of(hook.Type)),
        hook.Action switch
        {
            Hooks.JobHookAction job => ("job", Map(
                ("command", job.Command),
                ("args", job.Args.ToList()),
                ("env", job.Env.Select(Env).ToList()))),
            Hooks.HttpHookAction http => ("http", Map(
                ("url", http.Url),
                ("method", http.Method),
                ("headers", http.Headers.Select(h => Map(("name", h.Name), ("value", h.Value))).ToList()),
                ("body", http.Body))),
            _ => throw new ArgumentException($"unknown hook action {hook.Action.GetType().Name}", nameof(hook)),
        },
        ("timeout", Duration(hook.Timeout)),
        ("retries", hook.Retries),
        ("irreversible", hook.Irreversible is { } irreversible ? Map(("reason", irreversible.Reason)) : null));

    /// <summary>An SLO with its objective as a fraction and its window as specs write it (<c>30d</c>).</summary>
    private static Mapping ServiceLevel(SloSpec slo) => Map(
        ("name", slo.Name),
        slo.Indicator switch
        {
            LatencyIndicator latency => ("latency", Map(("threshold", DurationParser.Format(latency.Threshold)))),
            PrometheusIndicator prometheus => ("prometheus", Map(("address", prometheus.Address), ("good", prometheus.GoodQuery), ("total", prometheus.TotalQuery))),
            _ => ("availability", Map()),
        },
        ("objective", Number(slo.Objective)),
        ("window", SloText.Window(slo.Window)));

    private static Mapping? Probe(ProbeSpec? probe) => probe is null ? null : Map(
        probe.Action switch
        {
            HttpGetAction http => ("httpGet", Map(("path", http.Path), ("port", http.Port))),
            TcpSocketAction tcp => ("tcpSocket", Map(("port", tcp.Port))),
            ExecAction exec => ("exec", Map(("command", exec.Command.ToList()))),
            _ => throw new ArgumentException($"unknown probe action {probe.Action.GetType().Name}", nameof(probe)),
        },
        ("initialDelaySeconds", probe.InitialDelaySeconds),
        ("periodSeconds", probe.PeriodSeconds),
        ("timeoutSeconds", probe.TimeoutSeconds),
        ("failureThreshold", probe.FailureThreshold),
        ("successThreshold", probe.SuccessThreshold));

    private static Mapping Route(RouteSpec route) => Map(("host", route.Host), ("pathPrefix", route.PathPrefix));

    private static Mapping Strategy(StrategySpec strategy) => strategy switch
    {
        RecreateStrategy => Map(("recreate", Map())),
        RollingStrategy rolling => Map(("rolling", Map(("maxSurge", IntOrPercent(rolling.MaxSurge)), ("maxUnavailable", IntOrPercent(rolling.MaxUnavailable))))),
        BlueGreenStrategy blueGreen => Map(("blueGreen", Map(
            ("autoPromotionEnabled", blueGreen.AutoPromotionEnabled),
            ("previewRoute", Route(blueGreen.PreviewRoute)),
            ("scaleDownDelaySeconds", blueGreen.ScaleDownDelaySeconds),
            ("prePromotionAnalysis", Analysis(blueGreen.PrePromotionAnalysis)),
            ("postPromotionAnalysis", Analysis(blueGreen.PostPromotionAnalysis))))),
        CanaryStrategy canary => Map(("canary", Map(
            ("steps", canary.Steps.Select(Step).ToList()),
            ("analysis", Analysis(canary.Analysis?.Analysis, canary.Analysis?.StartingStep))))),
        _ => throw new ArgumentException($"unknown strategy {strategy.GetType().Name}", nameof(strategy)),
    };

    private static Mapping Step(CanaryStep step) => step switch
    {
        SetWeightStep weight => Map(("setWeight", weight.Weight)),
        AnalysisStep analysis => Map(("analysis", Analysis(analysis.Analysis))),
        PauseStep pause => Map(("pause", Map(("duration", pause.Duration is { } d ? DurationParser.Format(d) : null)))),
        SetHeaderRouteStep route => Map(("setHeaderRoute", Map(
            ("name", route.Name),
            ("match", route.Match.Select(m => Map(
                ("headerName", m.HeaderName),
                ("headerValue", Map(("exact", m.Value.Exact), ("prefix", m.Value.Prefix), ("regex", m.Value.Regex))))).ToList())))),
        SetMirrorStep mirror => Map(("setMirror", Map(("percentage", mirror.Percentage)))),
        _ => throw new ArgumentException($"unknown canary step {step.GetType().Name}", nameof(step)),
    };

    private static Mapping? Analysis(AnalysisRef? analysis, int? startingStep = null) => analysis is null ? null : Map(
        ("templates", analysis.Templates.Select(t => Map(("templateName", t))).ToList()),
        ("args", analysis.Args.Select(a => Map(("name", a.Name), ("value", a.Value))).ToList()),
        ("metrics", analysis.Metrics.Select(Metric).ToList()),
        ("startingStep", startingStep),
        ("onFailure", analysis.OnFailure == AnalysisOnFailure.Pause ? "pause" : "abort"));

    /// <summary>A metric with every default, as docs/spec.md lists its fields; the low-traffic settings only where they apply.</summary>
    private static Mapping Metric(MetricSpec metric)
    {
        var countsRequests = metric.Provider is RouterMetricProvider or JudgeMetricProvider or SloMetricProvider;
        return Map(
            ("name", metric.Name),
            ("interval", Duration(metric.Interval)),
            ("count", metric.Count),
            ("initialDelay", Duration(metric.InitialDelay)),
            ("successCondition", metric.SuccessCondition),
            ("failureCondition", metric.FailureCondition),
            ("failureLimit", metric.FailureLimit),
            ("inconclusiveLimit", metric.InconclusiveLimit),
            ("consecutiveErrorLimit", metric.ConsecutiveErrorLimit),
            ("consecutiveSuccessLimit", metric.ConsecutiveSuccessLimit),
            ("dryRun", metric.DryRun),
            ("minSampleSize", countsRequests ? metric.MinSampleSize : null),
            ("lowTraffic", countsRequests ? (metric.LowTraffic == LowTrafficPolicy.Extend ? "extend" : "pause") : null),
            ("maxExtension", countsRequests && metric.LowTraffic == LowTrafficPolicy.Extend ? Duration(metric.MaxExtension) : null),
            ("provider", Provider(metric.Provider)));
    }

    private static Mapping Provider(MetricProvider provider) => provider switch
    {
        RouterMetricProvider router => Map(("router", Map(
            ("measure", MetricProviderReader.MeasureName(router.Measure)),
            ("window", Duration(router.Window)),
            ("baseline", router.Baseline)))),
        JudgeMetricProvider judge => Map(("judge", Map(
            ("errorRate", judge.ErrorRate ? Map(("margin", Number(judge.ErrorRateMargin))) : null),
            ("latency", judge.Latency ? Map(("tolerance", Number(judge.LatencyTolerance))) : null),
            ("confidence", Number(judge.Confidence)),
            ("window", Duration(judge.Window))))),
        PrometheusMetricProvider prometheus => Map(("prometheus", Map(
            ("address", prometheus.Address),
            ("query", prometheus.Query),
            ("timeout", Duration(prometheus.Timeout))))),
        HttpMetricProvider http => Map(("http", Map(
            ("url", http.Url),
            ("method", http.Method),
            ("headers", http.Headers.Select(h => Map(("key", h.Name), ("value", h.Value))).ToList()),
            ("body", http.Body),
            ("jsonPath", http.JsonPath),
            ("timeout", Duration(http.Timeout))))),
        JobMetricProvider job => Map(("job", Map(
            ("command", job.Command),
            ("args", job.Args.ToList()),
            ("env", job.Env.Select(e => Map(("name", e.Name), ("value", e.Value))).ToList()),
            ("timeout", Duration(job.Timeout))))),
        SloMetricProvider slo => Map(("slo", Map(("name", slo.Name), ("window", Duration(slo.Window))))),
        _ => throw new ArgumentException($"unknown metric provider {provider.GetType().Name}", nameof(provider)),
    };

    private static string? Duration(TimeSpan? value) => value is { } d ? DurationParser.Format(d) : null;

    /// <summary>Numbers as written (<c>0.99</c>, <c>1.1</c>), without float noise: a double converts to a decimal
    /// of 15 significant digits.</summary>
    private static decimal Number(double value) => (decimal)value;

    private static object IntOrPercent(IntOrPercent value) => value.IsPercent ? value.ToString() : value.Value;

    /// <summary>A mapping of the fields that have a value, in the order given (null means not set, and is left out).</summary>
    private static Mapping Map(params (string Key, object? Value)[] fields)
    {
        var mapping = new Mapping();
        foreach (var (key, value) in fields)
        {
            if (value is not null)
            {
                mapping.Add(key, value);
            }
        }

        return mapping;
    }

    /// <summary>Keeps its keys in insertion order, which the serializer writes them in.</summary>
    private sealed class Mapping : OrderedDictionary<string, object>;
}
