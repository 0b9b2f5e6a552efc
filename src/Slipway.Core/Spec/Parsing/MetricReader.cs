using System.Collections.Frozen;
using Slipway.Core.Analysis;

namespace Slipway.Core.Spec.Parsing;

/// <summary>
/// Reads metrics — a template's <c>spec.metrics</c>, an analysis reference's inline <c>metrics</c> — onto
/// <see cref="MetricSpec"/>, with Argo Rollouts' field names, defaults and rules (a count above 1 needs an interval;
/// the count must leave room for the limits), and Slipway's own: conditions are parsed when applied; the router's and
/// the judge's low-traffic settings apply to them only; a judge decides without conditions.
/// </summary>
internal sealed class MetricReader
{
    /// <summary>The finest interval: the router's counters have one-second resolution.</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(1);

    private static readonly FieldSet Fields = new(
        [
            "name", "interval", "count", "initialDelay", "successCondition", "failureCondition", "failureLimit",
            "inconclusiveLimit", "consecutiveErrorLimit", "consecutiveSuccessLimit", "dryRun", "minSampleSize",
            "lowTraffic", "maxExtension", "provider",
        ],
        new Dictionary<string, string>
        {
            ["measurementRetention"] = "not supported yet: Slipway shows the last 10 measurements of each metric and keeps the rest",
        }.ToFrozenDictionary());

    private static readonly IReadOnlyList<string> LowTrafficPolicies = ["pause", "extend"];

    private readonly SpecReader _reader;
    private readonly MetricProviderReader _providers;
    private readonly ConditionCheck _conditions;

    public MetricReader(SpecReader reader)
    {
        _reader = reader;
        var placeholders = new PlaceholderCheck(reader);
        _providers = new MetricProviderReader(reader, placeholders);
        _conditions = new ConditionCheck(reader);
    }

    /// <summary>
    /// The list in field <paramref name="name"/> of <paramref name="parent"/>, each metric with a name unique in it;
    /// empty when absent (reported when <paramref name="required"/>, as is an empty list).
    /// </summary>
    /// <param name="declaredArgs">A template's arguments, which its placeholders must name; null for inline metrics.</param>
    public List<MetricSpec> ReadList(MappingFields parent, string name, IReadOnlySet<string>? declaredArgs, bool required)
    {
        var metrics = new List<MetricSpec>();
        if (required && parent.IsValid && parent.Value(name) is null)
        {
            _reader.Missing(parent, name);
            return metrics;
        }

        if (_reader.Sequence(parent, name) is not { } list)
        {
            return metrics;
        }

        var path = parent.PathOf(name);
        if (required && list.Items.Count == 0)
        {
            _reader.Error(list.Start, path, "must hold at least one metric");
        }

        var seen = new Dictionary<string, SpecPosition>(StringComparer.Ordinal);
        for (var i = 0; i < list.Items.Count; i++)
        {
            var item = list.Items[i];
            var itemPath = SpecPath.Index(path, i);
            if (item is SpecScalar { IsNull: true })
            {
                _reader.Error(item.Start, itemPath, "expected a mapping with name and provider, got null");
                continue;
            }

            var metric = _reader.Mapping(item, itemPath, item.Start, Fields);
            var spec = Read(metric, declaredArgs);
            if (spec.Name.Length > 0 && metric.Value("name") is { } nameNode && !seen.TryAdd(spec.Name, nameNode.Start))
            {
                _reader.Error(nameNode.Start, metric.PathOf("name"), $"duplicate metric name '{spec.Name}' (first used at line {seen[spec.Name].Line})");
            }

            metrics.Add(spec);
        }

        return metrics;
    }

    private MetricSpec Read(MappingFields metric, IReadOnlySet<string>? declaredArgs)
    {
        var name = _reader.RequiredString(metric, "name");
        _reader.Check(metric, "name", name, SpecNames.CheckDnsLabel);

        var (provider, kind) = _providers.Read(metric, declaredArgs);
        var countsRequests = kind is MetricProviderReader.Router or MetricProviderReader.Judge or MetricProviderReader.Slo;

        var interval = _reader.Duration(metric, "interval", MinInterval);
        var count = _reader.OptionalInt(metric, "count", 1);
        var initialDelay = _reader.Duration(metric, "initialDelay", TimeSpan.Zero) ?? TimeSpan.Zero;
        var failureLimit = _reader.Int(metric, "failureLimit", 0, -1);
        var inconclusiveLimit = _reader.Int(metric, "inconclusiveLimit", 0, 0);
        var consecutiveErrorLimit = _reader.Int(metric, "consecutiveErrorLimit", MetricSpec.DefaultConsecutiveErrorLimit, 0);

        // 0 is Argo's way of leaving it unused.
        var consecutiveSuccessLimit = _reader.OptionalInt(metric, "consecutiveSuccessLimit", 0) is > 0 and var limit ? limit : (int?)null;
        CheckLimits(metric, interval, count, failureLimit, inconclusiveLimit, consecutiveSuccessLimit);

        var minSampleSize = _reader.Int(metric, "minSampleSize", MetricSpec.DefaultMinSampleSize, 1);
        var lowTraffic = _reader.OneOf(metric, "lowTraffic", LowTrafficPolicies) == "extend" ? LowTrafficPolicy.Extend : LowTrafficPolicy.Pause;
        var maxExtension = _reader.Duration(metric, "maxExtension", MinInterval);
        if (kind is not null && !countsRequests)
        {
            foreach (var field in new[] { "minSampleSize", "lowTraffic", "maxExtension" })
            {
                if (metric.Value(field) is not null)
                {
                    _reader.Error(metric.KeyPosition(field), metric.PathOf(field), $"applies only to router, judge and slo metrics, which count requests; this is a {kind} metric");
                }
            }
        }
        else if (maxExtension is not null && lowTraffic != LowTrafficPolicy.Extend)
        {
            _reader.Error(metric.KeyPosition("maxExtension"), metric.PathOf("maxExtension"), "applies only with lowTraffic: extend");
        }

        var (success, failure) = ReadConditions(metric, provider, kind);
        return new MetricSpec(name, provider ?? new JobMetricProvider("", [], [], JobMetricProvider.DefaultTimeout)) // placeholder: the error is recorded
        {
            Interval = interval,
            Count = count,
            InitialDelay = initialDelay,
            SuccessCondition = success,
            FailureCondition = failure,
            FailureLimit = failureLimit,
            InconclusiveLimit = inconclusiveLimit,
            ConsecutiveErrorLimit = consecutiveErrorLimit,
            ConsecutiveSuccessLimit = consecutiveSuccessLimit,
            DryRun = _reader.Bool(metric, "dryRun", false),
            MinSampleSize = minSampleSize,
            LowTraffic = lowTraffic,
            MaxExtension = maxExtension ?? MetricSpec.DefaultMaxExtension,
        };
    }

    /// <summary>Argo Rollouts' rules, so that a count cannot end a metric before its limits could be reached.</summary>
    private void CheckLimits(MappingFields metric, TimeSpan? interval, int? count, int failureLimit, int inconclusiveLimit, int? consecutiveSuccessLimit)
    {
        if (failureLimit == MetricSpec.NoFailureLimit && consecutiveSuccessLimit is null && metric.Value("failureLimit") is { } limitNode)
        {
            _reader.Error(limitNode.Start, metric.PathOf("failureLimit"), "-1 (no failure limit) needs a consecutiveSuccessLimit: without either, the metric could never fail or succeed");
        }

        if (count is not { } n || metric.Value("count") is not { } countNode)
        {
            return;
        }

        var path = metric.PathOf("count");
        if (n > 1 && interval is null && metric.Value("interval") is null)
        {
            _reader.Error(countNode.Start, path, $"a count above 1 needs an interval: how long to wait between measurements, got count {n} and no interval");
        }

        var successes = consecutiveSuccessLimit ?? 0;
        if (failureLimit >= 0 && n < failureLimit + successes)
        {
            var what = successes > 0 ? $"failureLimit + consecutiveSuccessLimit ({failureLimit} + {successes})" : $"failureLimit ({failureLimit})";
            _reader.Error(countNode.Start, path, $"must be at least {what}, got {n}");
        }
        else if (failureLimit < 0 && n < successes)
        {
            _reader.Error(countNode.Start, path, $"must be at least consecutiveSuccessLimit ({successes}), got {n}");
        }

        if (n < inconclusiveLimit)
        {
            _reader.Error(countNode.Start, path, $"must be at least inconclusiveLimit ({inconclusiveLimit}), got {n}");
        }
    }

    /// <summary>
    /// Router, prometheus and http metrics need a condition to judge what they read; a job's exit code judges it when
    /// it has none; a judge decides by itself and takes none.
    /// </summary>
    private (string? Success, string? Failure) ReadConditions(MappingFields metric, MetricProvider? provider, string? kind)
    {
        var baseline = provider is RouterMetricProvider { Baseline: true };
        if (provider is JudgeMetricProvider)
        {
            foreach (var field in new[] { "successCondition", "failureCondition" })
            {
                if (metric.Value(field) is { } node)
                {
                    _reader.Error(node.Start, metric.PathOf(field), "a judge metric takes no conditions: the judge decides each measurement itself (see docs/judge.md)");
                }
            }

            return (null, null);
        }

        var success = _conditions.Read(metric, "successCondition", baseline);
        var failure = _conditions.Read(metric, "failureCondition", baseline);
        if (success is null && failure is null && kind is not null && provider is not JobMetricProvider && metric.IsValid)
        {
            _reader.Error(metric.MissingAt, metric.Path, $"{(kind == MetricProviderReader.Http ? "an" : "a")} {kind} metric needs a successCondition or a failureCondition (or both): without one every measurement would pass");
        }

        return (success, failure);
    }
}
