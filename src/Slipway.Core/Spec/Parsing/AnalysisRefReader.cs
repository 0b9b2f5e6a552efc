using System.Collections.Frozen;
using Slipway.Core.Analysis;

namespace Slipway.Core.Spec.Parsing;

/// <summary>
/// Reads an analysis reference — <c>strategy.canary.analysis</c> (background, with <c>startingStep</c>), a canary
/// step's <c>analysis</c>, blue-green's <c>prePromotionAnalysis</c> and <c>postPromotionAnalysis</c> — onto
/// <see cref="AnalysisRef"/>: templates by name, the arguments given to them, inline metrics and what a failure
/// does. Whether the templates exist and take those arguments is known only when applied, against the server's
/// templates: see <see cref="AnalysisResolver.Check"/>.
/// </summary>
internal sealed class AnalysisRefReader(SpecReader reader)
{
    private const string StartingStep = "startingStep";

    private static readonly IReadOnlyList<string> Outcomes = ["abort", "pause"];

    private static readonly FrozenDictionary<string, string> Reserved = new Dictionary<string, string>
    {
        ["dryRun"] = "set dryRun: true on a metric, or onFailure: pause on the analysis to try it without aborting rollouts",
        ["measurementRetention"] = "not supported yet: Slipway shows the last 10 measurements of each metric and keeps the rest",
        ["analysisRunMetadata"] = "not supported: an analysis run is named by its app, environment and revision",
    }.ToFrozenDictionary();

    private static readonly FieldSet StepFields = new(
        ["templates", "args", "metrics", "onFailure"],
        Reserved.Append(new(StartingStep, "applies only to background analysis (spec.strategy.canary.analysis); an analysis step starts where it is")).ToFrozenDictionary());

    private static readonly FieldSet BackgroundFields = new(["templates", "args", "metrics", StartingStep, "onFailure"], Reserved);

    private static readonly FieldSet TemplateRefFields = new(
        ["templateName"],
        new Dictionary<string, string>
        {
            ["clusterScope"] = "not needed: every Slipway template serves every app and environment, like Argo's ClusterAnalysisTemplate",
        }.ToFrozenDictionary());

    private readonly AnalysisArgReader _args = new(reader);
    private readonly MetricReader _metrics = new(reader);

    /// <summary>The reference in field <paramref name="name"/>; null when it is not set (absent or null, as everywhere
    /// in a spec).</summary>
    public AnalysisRef? Read(MappingFields parent, string name) =>
        parent.Value(name) is null ? null : Read(reader.Child(parent, name, StepFields));

    /// <summary>A canary step's <c>analysis</c>: written, even empty (<c>- analysis:</c>), it is a step, which needs
    /// something to run.</summary>
    public AnalysisRef ReadStep(MappingFields step) => Read(reader.Child(step, "analysis", StepFields));

    /// <summary><c>strategy.canary.analysis</c>: a reference that starts at step <c>startingStep</c>, 0 (the first)
    /// to <paramref name="stepCount"/> (after the last step).</summary>
    /// <param name="stepCount">How many steps the canary has; null when they could not be read (and were reported).</param>
    public BackgroundAnalysis? ReadBackground(MappingFields canary, int? stepCount)
    {
        if (canary.Value("analysis") is null)
        {
            return null;
        }

        var analysis = reader.Child(canary, "analysis", BackgroundFields);
        var startingStep = reader.Int(analysis, StartingStep, 0, 0);
        if (stepCount is { } count && startingStep > count && analysis.Value(StartingStep) is { } node)
        {
            reader.Error(node.Start, analysis.PathOf(StartingStep), $"must be between 0 and {count} (the canary has {count} step{(count == 1 ? "" : "s")}; steps count from 0), got {startingStep}");
        }

        return new BackgroundAnalysis(Read(analysis), startingStep);
    }

    private AnalysisRef Read(MappingFields analysis)
    {
        var templates = ReadTemplateNames(analysis);
        var args = _args.Read(analysis, "args", valueRequired: true);
        var metrics = _metrics.ReadList(analysis, "metrics", declaredArgs: null, required: false);
        if (analysis.IsValid && templates.Count == 0 && metrics.Count == 0
            && analysis.Value("templates") is not SpecSequence { Items.Count: > 0 } && analysis.Value("metrics") is not SpecSequence { Items.Count: > 0 })
        {
            reader.Error(analysis.MissingAt, analysis.Path, "must name at least one template (templates: [{templateName: …}]) or hold at least one metric (metrics)");
        }

        return new AnalysisRef(templates, args, metrics)
        {
            OnFailure = reader.OneOf(analysis, "onFailure", Outcomes) == "pause" ? AnalysisOnFailure.Pause : AnalysisOnFailure.Abort,
        };
    }

    private List<string> ReadTemplateNames(MappingFields analysis)
    {
        var names = new List<string>();
        if (reader.Sequence(analysis, "templates") is not { } list)
        {
            return names;
        }

        var path = analysis.PathOf("templates");
        var seen = new Dictionary<string, SpecPosition>(StringComparer.Ordinal);
        for (var i = 0; i < list.Items.Count; i++)
        {
            var item = list.Items[i];
            var itemPath = SpecPath.Index(path, i);
            if (item is not SpecMapping)
            {
                // Argo's form is a mapping: say so, rather than only "expected a mapping".
                reader.Error(item.Start, itemPath, $"expected a mapping such as {{templateName: error-rate}}, got {item.Describe()}");
                continue;
            }

            var template = reader.Mapping(item, itemPath, item.Start, TemplateRefFields);
            var name = reader.RequiredString(template, "templateName");
            reader.Check(template, "templateName", name, SpecNames.CheckDnsLabel);
            if (name.Length > 0 && template.Value("templateName") is { } nameNode && !seen.TryAdd(name, nameNode.Start))
            {
                reader.Error(nameNode.Start, template.PathOf("templateName"), $"template '{name}' is already named at line {seen[name].Line}: each template runs once per analysis");
            }

            names.Add(name);
        }

        return names;
    }
}
