using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Slipway.Core.Analysis;
using Slipway.Core.Spec;

namespace Slipway.Core.Serialization;

/// <summary>
/// The one JSON shape of Slipway's records, used by the store and the HTTP API: camelCase,
/// enums as strings, and the spec's class hierarchies (probe actions, strategies, canary steps)
/// tagged with a "type" discriminator. Declared here rather than with attributes on the model so
/// the model stays free of serialization concerns.
/// </summary>
public static class SlipwayJson
{
    public static JsonSerializerOptions Options { get; } = Create(indented: false);

    public static JsonSerializerOptions Indented { get; } = Create(indented: true);

    /// <summary>
    /// The HTTP API's documents: every field is always present, <c>null</c> when it has no value, so a script reads
    /// <c>.reason</c> the same way whether or not the rollout has one, and every timestamp is RFC 3339 in UTC ending
    /// in <c>Z</c> (docs/api.md). The store keeps leaving nulls out and its timestamps as they are.
    /// </summary>
    public static JsonSerializerOptions Api { get; } = Create(indented: false, writeNulls: true, utcTimestamps: true);

    /// <summary>
    /// Value equality for Slipway's records, lists included (records compare lists by reference,
    /// so a spec read back from the store never equals the one just parsed).
    /// </summary>
    public static bool SameValue<T>(T a, T b) =>
        JsonSerializer.Serialize(a, Options) == JsonSerializer.Serialize(b, Options);

    private static JsonSerializerOptions Create(bool indented, bool writeNulls = false, bool utcTimestamps = false)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = indented,
            DefaultIgnoreCondition = writeNulls ? JsonIgnoreCondition.Never : JsonIgnoreCondition.WhenWritingNull,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { AddPolymorphism, LeaveOutSources } },
        };
        // Phases read as status writes them ("Failed", as the run's and the metric's); other enums in camelCase.
        options.Converters.Add(new JsonStringEnumConverter<AnalysisPhase>());
        options.Converters.Add(new JsonStringEnumConverter<Hooks.HookPhase>());
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.Converters.Add(new AnalysisValueConverter());
        if (utcTimestamps)
        {
            options.Converters.Add(new Rfc3339TimestampConverter());
        }

        options.MakeReadOnly();
        return options;
    }

    private static readonly (Type Base, (Type Type, string Name)[] Derived)[] Hierarchies =
    [
        (typeof(ProbeAction), [(typeof(HttpGetAction), "httpGet"), (typeof(TcpSocketAction), "tcpSocket"), (typeof(ExecAction), "exec")]),
        (typeof(StrategySpec), [(typeof(RecreateStrategy), "recreate"), (typeof(RollingStrategy), "rolling"), (typeof(BlueGreenStrategy), "blueGreen"), (typeof(CanaryStrategy), "canary")]),
        (typeof(CanaryStep), [(typeof(AnalysisStep), "analysis"), (typeof(SetWeightStep), "setWeight"), (typeof(PauseStep), "pause"), (typeof(SetHeaderRouteStep), "setHeaderRoute"), (typeof(SetMirrorStep), "setMirror")]),
        (typeof(MetricProvider), [(typeof(RouterMetricProvider), "router"), (typeof(JudgeMetricProvider), "judge"), (typeof(PrometheusMetricProvider), "prometheus"), (typeof(HttpMetricProvider), "http"), (typeof(JobMetricProvider), "job"), (typeof(SloMetricProvider), "slo")]),
        (typeof(Hooks.HookAction), [(typeof(Hooks.JobHookAction), "job"), (typeof(Hooks.HttpHookAction), "http")]),
        (typeof(Slo.SloIndicator), [(typeof(Slo.AvailabilityIndicator), "availability"), (typeof(Slo.LatencyIndicator), "latency"), (typeof(Slo.PrometheusIndicator), "prometheus")]),
    ];

    /// <summary>
    /// Where a document was written (<see cref="SpecSource"/>: a file name and positions) is how errors point at it,
    /// not part of what it means: it is neither stored nor sent. (The property stays known, so that a record that takes
    /// it in its constructor, as <see cref="ApplicationManifest"/> does, still reads back, without it.)
    /// </summary>
    private static void LeaveOutSources(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        foreach (var property in info.Properties.Where(p => p.PropertyType == typeof(SpecSource)))
        {
            property.ShouldSerialize = static (_, _) => false;
        }
    }

    private static void AddPolymorphism(JsonTypeInfo info)
    {
        foreach (var (baseType, derived) in Hierarchies)
        {
            if (info.Type != baseType)
            {
                continue;
            }

            info.PolymorphismOptions = new JsonPolymorphismOptions { TypeDiscriminatorPropertyName = "type" };
            foreach (var (type, name) in derived)
            {
                info.PolymorphismOptions.DerivedTypes.Add(new JsonDerivedType(type, name));
            }
        }
    }
}
