using System.Globalization;
using System.Text.RegularExpressions;
using Slipway.Core.Slo;

namespace Slipway.Core.Spec.Parsing;

/// <summary>
/// Reads an application's <c>slos</c> and <c>errorBudgetPolicy</c> (see docs/spec.md, "SLOs"): each SLO's name, its
/// indicator (exactly one of availability, latency, prometheus), objective and window; the policy's burn-rate alerts,
/// checked against the SLOs (an alert whose factor no SLO can reach would never fire).
/// </summary>
internal sealed partial class SloReader(SpecReader reader)
{
    public const string Availability = "availability";
    public const string Latency = "latency";
    public const string Prometheus = "prometheus";

    /// <summary>The placeholder a Prometheus indicator's queries hold: each window, as Prometheus writes ranges (<c>5m</c>, <c>30d</c>).</summary>
    public const string WindowPlaceholder = "window";

    public static readonly TimeSpan MinWindow = TimeSpan.FromHours(1);
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(90);

    /// <summary>SLO data is kept per minute: a burn-rate window is at least one.</summary>
    public static readonly TimeSpan MinAlertWindow = TimeSpan.FromMinutes(1);

    public static readonly TimeSpan MinThreshold = TimeSpan.FromMilliseconds(1);

    /// <summary>The router's latency buckets end at 33.6 s (the top one is unbounded): a threshold beyond counts nothing more.</summary>
    public static readonly TimeSpan MaxThreshold = TimeSpan.FromSeconds(30);

    private static readonly IReadOnlyList<string> Indicators = [Availability, Latency, Prometheus];
    private static readonly IReadOnlyList<string> Placeholders = [WindowPlaceholder, "app", "environment"];

    private static readonly FieldSet SloFields = FieldSet.Of("name", Availability, Latency, Prometheus, "objective", "window");
    private static readonly FieldSet AvailabilityFields = FieldSet.Of();
    private static readonly FieldSet LatencyFields = FieldSet.Of("threshold");
    private static readonly FieldSet PrometheusFields = FieldSet.Of("address", "good", "total");
    private static readonly FieldSet PolicyFields = FieldSet.Of("blockRollouts", "burnRates");
    private static readonly FieldSet BurnRateFields = FieldSet.Of("long", "short", "factor");

    public IReadOnlyList<SloSpec> ReadSlos(MappingFields spec)
    {
        var slos = new List<SloSpec>();
        if (reader.Sequence(spec, "slos") is not { } list)
        {
            return slos;
        }

        var path = spec.PathOf("slos");
        var seen = new Dictionary<string, SpecPosition>(StringComparer.Ordinal);
        for (var i = 0; i < list.Items.Count; i++)
        {
            var item = list.Items[i];
            if (item is SpecScalar { IsNull: true })
            {
                reader.Error(item.Start, SpecPath.Index(path, i), "expected a mapping with name, an indicator (availability, latency or prometheus) and objective, got null");
                continue;
            }

            var slo = reader.Mapping(item, SpecPath.Index(path, i), item.Start, SloFields);
            var name = reader.RequiredString(slo, "name");
            reader.Check(slo, "name", name, SpecNames.CheckDnsLabel);
            if (name.Length > 0 && slo.Value("name") is { } nameNode && !seen.TryAdd(name, nameNode.Start))
            {
                reader.Error(nameNode.Start, slo.PathOf("name"), $"duplicate SLO name '{name}' (first set at line {seen[name].Line})");
            }

            var indicators = reader.Choose(slo, Indicators).Select(kind => ReadIndicator(slo, kind)).ToList();
            var objective = ReadObjective(slo);
            var window = ReadWindow(slo, "window", MinWindow, MaxWindow) ?? SloSpec.DefaultWindow;
            slos.Add(new SloSpec(name, indicators.FirstOrDefault() ?? new AvailabilityIndicator(), objective, window));
        }

        return slos;
    }

    /// <summary>The policy, its defaults when absent; checked against <paramref name="slos"/>.</summary>
    public ErrorBudgetPolicy ReadPolicy(MappingFields spec, IReadOnlyList<SloSpec> slos)
    {
        if (spec.Entry("errorBudgetPolicy") is { } entry && slos.Count == 0 && spec.IsValid)
        {
            reader.Error(entry.Key.Start, spec.PathOf("errorBudgetPolicy"), "has no effect without slos: declare the SLOs whose budget it guards, or remove it");
        }

        var policy = reader.Child(spec, "errorBudgetPolicy", PolicyFields);
        var block = reader.Bool(policy, "blockRollouts", ErrorBudgetPolicy.Default.BlockRollouts);
        if (policy.Entry("burnRates") is null)
        {
            return ErrorBudgetPolicy.Default with { BlockRollouts = block };
        }

        var alerts = new List<BurnRateAlert>();
        if (reader.Sequence(policy, "burnRates") is not { } list)
        {
            return ErrorBudgetPolicy.Default with { BlockRollouts = block };
        }

        var path = policy.PathOf("burnRates");
        if (list.Items.Count == 0)
        {
            reader.Error(list.Start, path, "must not be empty: with no alert nothing ever fires; leave burnRates out for the defaults, or set blockRollouts: false");
        }

        for (var i = 0; i < list.Items.Count; i++)
        {
            var item = list.Items[i];
            if (item is SpecScalar { IsNull: true })
            {
                reader.Error(item.Start, SpecPath.Index(path, i), "expected a mapping with long, short and factor, got null");
                continue;
            }

            var alert = reader.Mapping(item, SpecPath.Index(path, i), item.Start, BurnRateFields);
            var longWindow = RequiredWindow(alert, "long");
            var shortWindow = RequiredWindow(alert, "short");
            if (longWindow is { } l && shortWindow is { } s && s >= l)
            {
                reader.Error(alert.Value("short")!.Start, alert.PathOf("short"), $"must be shorter than long ({SloText.Window(l)}): the short window tells that the budget still burns now");
            }

            if (alert.IsValid && alert.Value("factor") is null)
            {
                reader.Missing(alert, "factor");
            }

            var factor = reader.Number(alert, "factor", 1, 0, double.PositiveInfinity, exclusive: true);
            CheckReachable(alert, factor, slos);
            alerts.Add(new BurnRateAlert(longWindow ?? TimeSpan.FromHours(1), shortWindow ?? TimeSpan.FromMinutes(5), factor));
        }

        return new ErrorBudgetPolicy(block, alerts);
    }

    /// <summary>
    /// The highest burn rate an SLO can show is 1 / (1 − objective), every request failing (1,000× for 99.9 %, 10× for
    /// 90 %): an alert whose factor is not below it never fires for that SLO.
    /// </summary>
    private void CheckReachable(MappingFields alert, double factor, IReadOnlyList<SloSpec> slos)
    {
        if (alert.Value("factor") is not { } node || slos.Count == 0 || slos.Any(s => factor < 1 / (1 - s.Objective)))
        {
            return;
        }

        var loosest = slos.MinBy(s => s.Objective)!;
        reader.Error(node.Start, alert.PathOf("factor"), $"can never fire: with every request failing, SLO {loosest.Name} (objective {SloText.Objective(loosest.Objective)}) burns its budget at {SloText.Factor(1 / (1 - loosest.Objective))} at most; choose a factor below that");
    }

    private SloIndicator ReadIndicator(MappingFields slo, string kind)
    {
        switch (kind)
        {
            case Availability:
                reader.Child(slo, kind, AvailabilityFields);
                return new AvailabilityIndicator();
            case Latency:
                var latency = reader.Child(slo, kind, LatencyFields);
                if (latency.IsValid && latency.Value("threshold") is null)
                {
                    reader.Missing(latency, "threshold");
                }

                return new LatencyIndicator(reader.Duration(latency, "threshold", MinThreshold, MaxThreshold) ?? TimeSpan.FromMilliseconds(300));
            default:
                var prometheus = reader.Child(slo, kind, PrometheusFields);
                var address = reader.OptionalString(prometheus, "address");
                CheckAddress(prometheus, address);
                return new PrometheusIndicator(address ?? Analysis.PrometheusMetricProvider.DefaultAddress, ReadQuery(prometheus, "good"), ReadQuery(prometheus, "total"));
        }
    }

    private string ReadQuery(MappingFields prometheus, string name)
    {
        var query = reader.RequiredString(prometheus, name);
        if (query.Length == 0 || prometheus.Value(name) is not SpecScalar node)
        {
            return query;
        }

        var found = false;
        foreach (Match match in Placeholder().Matches(query))
        {
            var placeholder = match.Groups[1].Value;
            if (placeholder == WindowPlaceholder)
            {
                found = true;
            }
            else if (!Placeholders.Contains(placeholder, StringComparer.Ordinal))
            {
                reader.Error(node.At(match.Index), prometheus.PathOf(name), $"unknown placeholder '{{{{{placeholder}}}}}': expected {{{{window}}}}, {{{{app}}}} or {{{{environment}}}}");
            }
        }

        if (!found)
        {
            reader.Error(node.Start, prometheus.PathOf(name), "must use {{window}}, which is replaced by each window (5m, 1h, 30d), such as sum(increase(http_requests_total[{{window}}])): without it every window reads the same numbers");
        }

        return query;
    }

    private void CheckAddress(MappingFields prometheus, string? address)
    {
        if (address is null || prometheus.Value("address") is not { } node)
        {
            return;
        }

        if (!(address.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || address.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            || !Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            reader.Error(node.Start, prometheus.PathOf("address"), $"expected an http:// or https:// URL, got '{address}'");
        }
    }

    /// <summary>
    /// <c>99.9%</c> (a string) or <c>0.999</c> (a number): more than 0 and less than 1. A number of 1 or more was
    /// surely meant as a percentage; 100 % leaves no budget at all.
    /// </summary>
    private double ReadObjective(MappingFields slo)
    {
        const double Placeholder = 0.99;
        if (slo.IsValid && slo.Entry("objective") is null)
        {
            reader.Missing(slo, "objective");
            return Placeholder;
        }

        if (slo.Entry("objective") is not { } entry)
        {
            return Placeholder;
        }

        var path = slo.PathOf("objective");
        var node = entry.Value;
        double value;
        string written;
        if (node is SpecScalar { Kind: ScalarKind.String } text && text.Value.EndsWith('%')
            && double.TryParse(text.Value[..^1].TrimEnd(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var percent))
        {
            value = percent / 100;
            written = text.Value;
        }
        else if (node is SpecScalar { Kind: ScalarKind.Integer or ScalarKind.Float } number
            && double.TryParse(number.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var fraction) && double.IsFinite(fraction))
        {
            if (fraction >= 1 && fraction < 100)
            {
                reader.Error(node.Start, path, $"must be a fraction below 1 (0.999) or a percentage ('99.9%'), got {number.Value}: did you mean '{number.Value}%'?");
                return Placeholder;
            }

            value = fraction;
            written = number.Value;
        }
        else
        {
            reader.Error(node.Start, path, $"expected a percentage such as '99.9%' or a fraction such as 0.999, got {node.Describe()}");
            return Placeholder;
        }

        if (value >= 1)
        {
            reader.Error(node.Start, path, $"must be below 100 %, got {written}: an objective of 100 % leaves no error budget, and every failed request would break it");
            return Placeholder;
        }

        if (value <= 0)
        {
            reader.Error(node.Start, path, $"must be more than 0, got {written}");
            return Placeholder;
        }

        return value;
    }

    private TimeSpan? RequiredWindow(MappingFields alert, string name)
    {
        if (alert.IsValid && alert.Value(name) is null)
        {
            reader.Missing(alert, name);
            return null;
        }

        return ReadWindow(alert, name, MinAlertWindow, MaxWindow);
    }

    /// <summary>
    /// A window: a duration as elsewhere in the spec (<c>1h</c>, <c>90m</c>), or days as Prometheus and SRE books write
    /// them (<c>30d</c>, <c>1d12h</c>); whole minutes, as SLO data is kept per minute.
    /// </summary>
    private TimeSpan? ReadWindow(MappingFields m, string name, TimeSpan min, TimeSpan max)
    {
        if (m.Value(name) is not { } node)
        {
            return null;
        }

        var path = m.PathOf(name);
        if (node is not SpecScalar { Kind: ScalarKind.String or ScalarKind.Integer } scalar || !TryParseWindow(scalar.Value, out var value))
        {
            reader.Error(node.Start, path, $"expected a duration such as '30d', '6h' or '5m', got {node.Describe()}");
            return null;
        }

        if (value < min || value > max)
        {
            reader.Error(node.Start, path, $"must be between {SloText.Window(min)} and {SloText.Window(max)}, got {scalar.Value}");
            return null;
        }

        if (value.Ticks % TimeSpan.TicksPerMinute != 0)
        {
            reader.Error(node.Start, path, $"must be a whole number of minutes (SLO data is kept per minute), got {scalar.Value}");
            return null;
        }

        return value;
    }

    internal static bool TryParseWindow(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var match = Days().Match(text);
        if (!match.Success)
        {
            return DurationParser.TryParse(text, out value) && value > TimeSpan.Zero;
        }

        if (!int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var days) || days > 10_000)
        {
            return false;
        }

        var rest = TimeSpan.Zero;
        if (match.Groups[2].Value.Length > 0 && !(DurationParser.TryParse(match.Groups[2].Value, out rest) && rest >= TimeSpan.Zero && !match.Groups[2].Value.StartsWith('+')))
        {
            return false;
        }

        value = TimeSpan.FromDays(days) + rest;
        return value > TimeSpan.Zero;
    }

    [GeneratedRegex(@"^([0-9]+)d(.*)$")]
    private static partial Regex Days();

    [GeneratedRegex(@"\{\{\s*([^{}]*?)\s*\}\}")]
    private static partial Regex Placeholder();
}
