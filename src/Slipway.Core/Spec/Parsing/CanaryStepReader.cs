using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace Slipway.Core.Spec.Parsing;

/// <summary>Reads one item of <c>spec.strategy.canary.steps</c>: exactly one of setWeight, pause, analysis, setHeaderRoute, setMirror.</summary>
internal sealed class CanaryStepReader(SpecReader reader)
{
    public const string DefaultHeaderRouteName = "header-route";

    private static readonly IReadOnlyList<string> Kinds = ["setWeight", "pause", "analysis", "setHeaderRoute", "setMirror"];

    private static readonly FieldSet StepFields = new(
        Kinds,
        new Dictionary<string, string>
        {
            ["experiment"] = "not supported: an analysis with a baseline (a router metric with baseline: true, or the judge) compares the canary with the stable revision",
        }.ToFrozenDictionary());

    private static readonly FieldSet PauseFields = FieldSet.Of("duration");
    private static readonly FieldSet HeaderRouteFields = FieldSet.Of("name", "match");
    private static readonly FieldSet HeaderMatchFields = FieldSet.Of("headerName", "headerValue");
    private static readonly FieldSet StringMatchFields = FieldSet.Of("exact", "prefix", "regex");
    private static readonly IReadOnlyList<string> StringMatchKinds = ["exact", "prefix", "regex"];
    private static readonly FieldSet MirrorFields = FieldSet.Of("percentage");

    private readonly AnalysisRefReader _analyses = new(reader);

    // Only to check that a pattern compiles; the router compiles its own copy with its own options.
    private static readonly TimeSpan RegexCheckTimeout = TimeSpan.FromSeconds(1);

    public CanaryStep Read(SpecNode item, string path)
    {
        var step = reader.Mapping(item, path, item.Start, StepFields);
        var read = reader.Choose(step, Kinds).Select(kind => Read(step, kind)).ToList();
        return read.FirstOrDefault() ?? new PauseStep(null); // placeholder: the error is recorded
    }

    private CanaryStep Read(MappingFields step, string kind) => kind switch
    {
        "setWeight" => new SetWeightStep(reader.RequiredInt(step, kind, 0, 100)),
        "pause" => ReadPause(reader.Child(step, kind, PauseFields)),
        "analysis" => new AnalysisStep(_analyses.ReadStep(step)),
        "setHeaderRoute" => ReadHeaderRoute(reader.Child(step, kind, HeaderRouteFields)),
        _ => new SetMirrorStep(reader.RequiredInt(reader.Child(step, kind, MirrorFields), "percentage", 0, 100)),
    };

    /// <summary>No duration (<c>pause: {}</c>) waits until the rollout is promoted.</summary>
    private PauseStep ReadPause(MappingFields pause)
    {
        if (pause.Value("duration") is not { } node)
        {
            return new PauseStep(null);
        }

        var path = pause.PathOf("duration");
        if (node is not SpecScalar { Kind: ScalarKind.String or ScalarKind.Integer } scalar || !DurationParser.TryParse(scalar.Value, out var duration))
        {
            reader.Error(node.Start, path, $"expected a duration such as '30s', '5m', '1h30m' or a number of seconds, got {node.Describe()}");
            return new PauseStep(null);
        }

        if (duration < TimeSpan.Zero)
        {
            reader.Error(node.Start, path, $"must not be negative, got {scalar.Value}");
        }

        return new PauseStep(duration);
    }

    private SetHeaderRouteStep ReadHeaderRoute(MappingFields headerRoute)
    {
        var name = reader.OptionalString(headerRoute, "name") ?? DefaultHeaderRouteName;
        reader.Check(headerRoute, "name", name, SpecNames.CheckDnsLabel);
        if (headerRoute.Value("name") is { } nameNode && name.Length == 0)
        {
            reader.Error(nameNode.Start, headerRoute.PathOf("name"), "must not be empty");
        }

        // An absent or empty match list removes the route, as in Argo Rollouts.
        var matches = new List<HeaderMatch>();
        if (reader.Sequence(headerRoute, "match") is { } list)
        {
            var path = headerRoute.PathOf("match");
            for (var i = 0; i < list.Items.Count; i++)
            {
                var item = list.Items[i];
                var itemPath = SpecPath.Index(path, i);
                if (item is SpecScalar { IsNull: true })
                {
                    reader.Error(item.Start, itemPath, "expected a mapping with headerName and headerValue, got null");
                    continue;
                }

                matches.Add(ReadHeaderMatch(reader.Mapping(item, itemPath, item.Start, HeaderMatchFields)));
            }
        }

        return new SetHeaderRouteStep(name, matches);
    }

    private HeaderMatch ReadHeaderMatch(MappingFields match)
    {
        var headerName = reader.RequiredString(match, "headerName");
        reader.Check(match, "headerName", headerName, SpecNames.CheckHeaderName);

        var headerValue = reader.RequiredChild(match, "headerValue", StringMatchFields);
        var values = reader.Choose(headerValue, StringMatchKinds).Select(kind => ReadStringMatch(headerValue, kind)).ToList();
        return new HeaderMatch(headerName, values.FirstOrDefault() ?? new StringMatch(Exact: "")); // placeholder: the error is recorded
    }

    private StringMatch ReadStringMatch(MappingFields headerValue, string kind)
    {
        var node = headerValue.Entry(kind)!.Value;
        var path = headerValue.PathOf(kind);
        var text = reader.AsString(node, path) ?? "";
        switch (kind)
        {
            case "exact":
                return new StringMatch(Exact: text);
            case "prefix":
                return new StringMatch(Prefix: text);
            default:
                CheckRegex(text, node, path);
                return new StringMatch(Regex: text);
        }
    }

    private void CheckRegex(string pattern, SpecNode node, string path)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.None, RegexCheckTimeout);
        }
        catch (ArgumentException e)
        {
            reader.Error(node.Start, path, $"is not a valid regular expression: {e.Message}");
        }
    }
}
