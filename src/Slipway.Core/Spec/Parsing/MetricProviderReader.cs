using System.Collections.Frozen;
using Slipway.Core.Analysis;

namespace Slipway.Core.Spec.Parsing;

/// <summary>
/// Reads a metric's <c>provider</c>: exactly one of router, judge, prometheus, http (or Argo's name for it, web) and
/// job, filling the defaults of <see cref="MetricProvider"/>'s records. Strings that reach the outside world (a query,
/// a URL, a header value, a command line) may hold placeholders, checked where they are written.
/// </summary>
internal sealed class MetricProviderReader(SpecReader reader, PlaceholderCheck placeholders)
{
    public const string Router = "router";
    public const string Judge = "judge";
    public const string Prometheus = "prometheus";
    public const string Http = "http";
    public const string Web = "web";
    public const string Job = "job";
    public const string Slo = "slo";

    /// <summary>Slipway sets it to the analysed revision's address: a job's env must not override it.</summary>
    public const string CanaryUrlEnvName = "SLIPWAY_CANARY_URL";

    public static readonly TimeSpan MinWindow = TimeSpan.FromSeconds(1);

    /// <summary>The router keeps five minutes of per-second counters.</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromMinutes(5);

    private static readonly IReadOnlyList<string> Kinds = [Router, Judge, Prometheus, Http, Web, Job, Slo];

    private static readonly IReadOnlyList<string> HttpMethods = ["GET", "POST", "PUT"];

    private static readonly IReadOnlyList<string> Measures = [.. Enum.GetValues<RouterMeasure>().Select(MeasureName)];

    private const string NotSlipway = "is not one of Slipway's providers: use prometheus for a metrics store, http for any JSON API, job for a command, or router and judge for the router's own counters";

    private static readonly FieldSet ProviderFields = new(
        Kinds,
        new[] { "datadog", "newRelic", "wavefront", "kayenta", "cloudWatch", "graphite", "influxdb", "skywalking", "plugin" }
            .ToFrozenDictionary(k => k, _ => NotSlipway));

    private static readonly FieldSet RouterFields = FieldSet.Of("measure", "window", "baseline");
    private static readonly FieldSet SloFields = FieldSet.Of("name", "window");
    private static readonly FieldSet JudgeFields = FieldSet.Of("errorRate", "latency", "confidence", "window");
    private static readonly FieldSet MarginFields = FieldSet.Of("margin");
    private static readonly FieldSet ToleranceFields = FieldSet.Of("tolerance");

    private static readonly FieldSet PrometheusFields = new(
        ["address", "query", "timeout"],
        new Dictionary<string, string>
        {
            ["authentication"] = "not supported yet: put credentials in the address (http://user:password@host:9090), or use the http provider with headers",
        }.ToFrozenDictionary());

    private static readonly FieldSet HttpFields = new(
        ["url", "method", "headers", "body", "jsonPath", "timeout"],
        new Dictionary<string, string>
        {
            ["timeoutSeconds"] = "Slipway takes a duration: timeout: 10s",
            ["jsonBody"] = "not supported: write the JSON as text in body",
            ["insecure"] = "not supported: Slipway always checks TLS certificates",
            ["authentication"] = "not supported yet: send credentials in headers",
        }.ToFrozenDictionary());

    private static readonly FieldSet HeaderFields = FieldSet.Of("key", "value");

    private static readonly FieldSet JobFields = new(
        ["command", "args", "env", "timeout"],
        new Dictionary<string, string>
        {
            ["spec"] = "Slipway runs a command on this machine, not a Kubernetes Job: give command, args, env and timeout",
            ["metadata"] = "Slipway runs a command on this machine, not a Kubernetes Job: give command, args, env and timeout",
        }.ToFrozenDictionary());

    private static readonly FieldSet EnvFields = FieldSet.Of("name", "value");

    /// <summary>The provider and the key it was written under (router, judge, prometheus, http, web or job); null
    /// (reported) when there is none.</summary>
    /// <param name="declaredArgs">The template's arguments; null for an inline metric.</param>
    public (MetricProvider? Provider, string? Kind) Read(MappingFields metric, IReadOnlySet<string>? declaredArgs)
    {
        if (metric.IsValid && metric.Value("provider") is null)
        {
            reader.Missing(metric, "provider");
            return (null, null);
        }

        var provider = reader.Child(metric, "provider", ProviderFields);
        if (!provider.IsValid)
        {
            return (null, null);
        }

        var present = provider.Present.Where(n => Kinds.Contains(n, StringComparer.Ordinal)).ToList();
        if (present.Count == 0)
        {
            // An unknown key was reported with what is expected; "none set" would only repeat it.
            if (!provider.UnknownFields.Any())
            {
                reader.Error(provider.MissingAt, provider.Path, "must set exactly one of: router, judge, prometheus, http (or web), job, slo");
            }

            return (null, null);
        }

        if (present.Count > 1)
        {
            reader.Error(provider.KeyPosition(present[1]), provider.Path, $"must set only one provider; got '{present[0]}' and '{present[1]}'");
        }

        var read = present.Select(kind => Read(provider, kind, declaredArgs)).ToList();
        return (read[0], present[0]);
    }

    /// <summary>How a measure is written in a spec: <c>errorRate</c>, <c>p99</c>.</summary>
    public static string MeasureName(RouterMeasure measure) => measure switch
    {
        RouterMeasure.P50 or RouterMeasure.P90 or RouterMeasure.P95 or RouterMeasure.P99 => measure.ToString().ToLowerInvariant(),
        _ => char.ToLowerInvariant(measure.ToString()[0]) + measure.ToString()[1..],
    };

    private MetricProvider Read(MappingFields provider, string kind, IReadOnlySet<string>? declaredArgs) => kind switch
    {
        Router => ReadRouter(reader.Child(provider, kind, RouterFields)),
        Judge => ReadJudge(reader.Child(provider, kind, JudgeFields)),
        Prometheus => ReadPrometheus(reader.Child(provider, kind, PrometheusFields), declaredArgs),
        Http or Web => ReadHttp(reader.Child(provider, kind, HttpFields), declaredArgs),
        Slo => ReadSlo(reader.Child(provider, kind, SloFields)),
        _ => ReadJob(reader.Child(provider, kind, JobFields), declaredArgs),
    };

    private RouterMetricProvider ReadRouter(MappingFields router)
    {
        if (router.IsValid && router.Value("measure") is null)
        {
            reader.Missing(router, "measure");
        }

        var measure = reader.OneOf(router, "measure", Measures) is { } name
            ? Enum.GetValues<RouterMeasure>().First(m => MeasureName(m) == name)
            : RouterMeasure.ErrorRate; // placeholder: the error is recorded
        return new RouterMetricProvider(
            measure,
            reader.Duration(router, "window", MinWindow, MaxWindow, wholeSeconds: true) ?? RouterMetricProvider.DefaultWindow,
            reader.Bool(router, "baseline", false));
    }

    /// <summary>An SLO of the app by name (checked against the app's <c>slos</c> when applied) and the window of its
    /// burn rate: the router's counters, so 1 s to 5 minutes.</summary>
    private SloMetricProvider ReadSlo(MappingFields slo)
    {
        var name = reader.RequiredString(slo, "name");
        reader.Check(slo, "name", name, SpecNames.CheckDnsLabel);
        return new SloMetricProvider(name, reader.Duration(slo, "window", MinWindow, MaxWindow, wholeSeconds: true) ?? SloMetricProvider.DefaultWindow);
    }

    /// <summary><c>errorRate</c> and <c>latency</c> each switch their test on (<c>{}</c> with the defaults); with
    /// neither, both run.</summary>
    private JudgeMetricProvider ReadJudge(MappingFields judge)
    {
        var errorRateOn = judge.Entry("errorRate") is not null;
        var latencyOn = judge.Entry("latency") is not null;
        if (!errorRateOn && !latencyOn)
        {
            errorRateOn = latencyOn = true;
        }

        var margin = reader.Number(TestSettings(judge, "errorRate", MarginFields), "margin", JudgeMetricProvider.DefaultErrorRateMargin, 0, 1);
        var tolerance = reader.Number(TestSettings(judge, "latency", ToleranceFields), "tolerance", JudgeMetricProvider.DefaultLatencyTolerance, 1, double.PositiveInfinity);
        var confidence = reader.Number(judge, "confidence", JudgeMetricProvider.DefaultConfidence, 0.5, 1, exclusive: true);
        var window = reader.Duration(judge, "window", MinWindow, MaxWindow, wholeSeconds: true);
        return new JudgeMetricProvider(errorRateOn, latencyOn, margin, tolerance, confidence, window);
    }

    private MappingFields TestSettings(MappingFields judge, string name, FieldSet fields)
    {
        if (judge.Value(name) is SpecScalar { Kind: ScalarKind.Boolean } flag)
        {
            reader.Error(flag.Start, judge.PathOf(name), $"expected a mapping ({name}: {{}} runs the test with its defaults), got {flag.Describe()}: leave {name} out to run only the other test");
            return MappingFields.Invalid(judge.PathOf(name), flag.Start);
        }

        return reader.Child(judge, name, fields);
    }

    private PrometheusMetricProvider ReadPrometheus(MappingFields prometheus, IReadOnlySet<string>? declaredArgs)
    {
        var address = placeholders.Read(prometheus, "address", declaredArgs);
        CheckUrl(prometheus, "address", address);
        return new PrometheusMetricProvider(
            address ?? PrometheusMetricProvider.DefaultAddress,
            placeholders.Read(prometheus, "query", declaredArgs, required: true) ?? "",
            ReadTimeout(prometheus, PrometheusMetricProvider.DefaultTimeout));
    }

    private HttpMetricProvider ReadHttp(MappingFields http, IReadOnlySet<string>? declaredArgs)
    {
        var url = placeholders.Read(http, "url", declaredArgs, required: true) ?? "";
        CheckUrl(http, "url", url);
        var method = http.Value("method") is { } methodNode && reader.AsString(methodNode, http.PathOf("method")) is { } written
            ? written.ToUpperInvariant()
            : "GET";
        if (http.Value("method") is { } node && !HttpMethods.Contains(method, StringComparer.Ordinal))
        {
            reader.Error(node.Start, http.PathOf("method"), $"expected GET, POST or PUT, got '{((SpecScalar)node).Value}'");
        }

        var body = placeholders.Read(http, "body", declaredArgs);
        if (body is not null && method == "GET")
        {
            reader.Error(http.Value("body")!.Start, http.PathOf("body"), "a GET request has no body: set method: POST or PUT");
        }

        var jsonPath = reader.OptionalString(http, "jsonPath");
        if (jsonPath is { Length: 0 })
        {
            reader.Error(http.Value("jsonPath")!.Start, http.PathOf("jsonPath"), "must not be empty: leave it out to read the whole response");
        }

        return new HttpMetricProvider(url, method, ReadHeaders(http, declaredArgs), body, jsonPath, ReadTimeout(http, HttpMetricProvider.DefaultTimeout));
    }

    private List<HttpHeaderSpec> ReadHeaders(MappingFields http, IReadOnlySet<string>? declaredArgs)
    {
        var headers = new List<HttpHeaderSpec>();
        if (reader.Sequence(http, "headers") is not { } list)
        {
            return headers;
        }

        var path = http.PathOf("headers");
        for (var i = 0; i < list.Items.Count; i++)
        {
            var item = list.Items[i];
            if (item is SpecScalar { IsNull: true })
            {
                reader.Error(item.Start, SpecPath.Index(path, i), "expected a mapping with key and value, got null");
                continue;
            }

            var header = reader.Mapping(item, SpecPath.Index(path, i), item.Start, HeaderFields);
            var key = reader.RequiredString(header, "key");
            reader.Check(header, "key", key, SpecNames.CheckHeaderName);
            headers.Add(new HttpHeaderSpec(key, placeholders.Read(header, "value", declaredArgs) ?? ""));
        }

        return headers;
    }

    private JobMetricProvider ReadJob(MappingFields job, IReadOnlySet<string>? declaredArgs)
    {
        var command = placeholders.Read(job, "command", declaredArgs, required: true) ?? "";
        var args = reader.StringList(job, "args");
        if (job.Value("args") is SpecSequence argNodes)
        {
            for (var i = 0; i < args.Count; i++)
            {
                placeholders.Check(argNodes.Items[i], SpecPath.Index(job.PathOf("args"), i), args[i], declaredArgs);
            }
        }

        return new JobMetricProvider(command, args, ReadEnv(job, declaredArgs), ReadTimeout(job, JobMetricProvider.DefaultTimeout));
    }

    private List<EnvVar> ReadEnv(MappingFields job, IReadOnlySet<string>? declaredArgs)
    {
        var env = new List<EnvVar>();
        if (reader.Sequence(job, "env") is not { } list)
        {
            return env;
        }

        var path = job.PathOf("env");
        var seen = new Dictionary<string, SpecPosition>(StringComparer.Ordinal);
        for (var i = 0; i < list.Items.Count; i++)
        {
            var item = list.Items[i];
            if (item is SpecScalar { IsNull: true })
            {
                reader.Error(item.Start, SpecPath.Index(path, i), "expected a mapping with name and value, got null");
                continue;
            }

            var entry = reader.Mapping(item, SpecPath.Index(path, i), item.Start, EnvFields);
            var name = reader.RequiredString(entry, "name");
            reader.Check(entry, "name", name, SpecNames.CheckEnvName);
            if (name.Length > 0 && entry.Value("name") is { } nameNode)
            {
                if (name == CanaryUrlEnvName)
                {
                    reader.Error(nameNode.Start, entry.PathOf("name"), $"{CanaryUrlEnvName} is reserved: Slipway sets it to the address of the revision under analysis");
                }
                else if (!seen.TryAdd(name, nameNode.Start))
                {
                    reader.Error(nameNode.Start, entry.PathOf("name"), $"duplicate env name '{name}' (first set at line {seen[name].Line})");
                }
            }

            env.Add(new EnvVar(name, placeholders.Read(entry, "value", declaredArgs) ?? ""));
        }

        return env;
    }

    private TimeSpan ReadTimeout(MappingFields provider, TimeSpan defaultValue) =>
        reader.Duration(provider, "timeout", TimeSpan.FromMilliseconds(1)) ?? defaultValue;

    /// <summary>
    /// An http or https URL. One that starts with a placeholder (<c>{{args.url}}</c>) is known only when the analysis
    /// runs, and the provider reports it then; one with placeholders further on must at least name its scheme.
    /// </summary>
    private void CheckUrl(MappingFields provider, string name, string? url)
    {
        if (url is not { Length: > 0 } || provider.Value(name) is not { } node || url.StartsWith("{{", StringComparison.Ordinal))
        {
            return;
        }

        var schemeOk = url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        var complete = AnalysisPlaceholders.Find(url).Count > 0
            || (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Host.Length > 0);
        if (!schemeOk || !complete)
        {
            reader.Error(node.Start, provider.PathOf(name), $"expected an http:// or https:// URL, got '{url}'");
        }
    }
}
