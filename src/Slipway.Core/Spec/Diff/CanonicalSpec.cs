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

    private static Mapping Spec(ApplicationSpec spec)
    {
        var template = spec.Template;
        return Map(
            ("artifact", Map(("path", template.Artifact.Path), ("digest", template.Artifact.Digest))),
            ("command", template.Command),
            ("args", template.Args.ToList()),
            ("env", template.Env.Select(e => Map(("name", e.Name), ("value", e.Value))).ToList()),
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
            ("strategy", Strategy(spec.Strategy)));
    }

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
            ("scaleDownDelaySeconds", blueGreen.ScaleDownDelaySeconds)))),
        CanaryStrategy canary => Map(("canary", Map(("steps", canary.Steps.Select(Step).ToList())))),
        _ => throw new ArgumentException($"unknown strategy {strategy.GetType().Name}", nameof(strategy)),
    };

    private static Mapping Step(CanaryStep step) => step switch
    {
        SetWeightStep weight => Map(("setWeight", weight.Weight)),
        PauseStep pause => Map(("pause", Map(("duration", pause.Duration is { } d ? DurationParser.Format(d) : null)))),
        SetHeaderRouteStep route => Map(("setHeaderRoute", Map(
            ("name", route.Name),
            ("match", route.Match.Select(m => Map(
                ("headerName", m.HeaderName),
                ("headerValue", Map(("exact", m.Value.Exact), ("prefix", m.Value.Prefix), ("regex", m.Value.Regex))))).ToList())))),
        SetMirrorStep mirror => Map(("setMirror", Map(("percentage", mirror.Percentage)))),
        _ => throw new ArgumentException($"unknown canary step {step.GetType().Name}", nameof(step)),
    };

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
