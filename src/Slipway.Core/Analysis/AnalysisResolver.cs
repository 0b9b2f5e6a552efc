using System.Globalization;
using Slipway.Core.Spec;
using Slipway.Core.Spec.Parsing;

namespace Slipway.Core.Analysis;

/// <summary>
/// Joins an application's analysis references to the templates they name, as Argo Rollouts merges templates into an
/// AnalysisRun: the metrics of every template, in order, then the inline metrics; the arguments the templates declare
/// (a default, when two templates declare one, must agree unless the reference gives the value), given values by
/// the reference. Pure: the caller supplies the templates (those of the same apply and those already stored).
/// </summary>
/// <remarks>
/// Two moments use it. <see cref="Check"/> when a spec is applied: every template named exists, every argument
/// without a default is given, no argument is given that nothing uses, metric names are unique across the
/// reference, and an analysis that is waited for can end — each problem at its line. <see cref="Resolve"/> when an analysis run starts: the metrics with every
/// <c>{{args.NAME}}</c> and built-in (<see cref="AnalysisBuiltIns"/>) replaced.
/// </remarks>
public static class AnalysisResolver
{
    /// <summary>
    /// Every problem of every analysis reference of <paramref name="manifest"/> with <paramref name="templates"/>
    /// (by name), at its position in the manifest's file, in line order; empty when every reference can run.
    /// </summary>
    public static IReadOnlyList<SpecError> Check(ApplicationManifest manifest, IReadOnlyDictionary<string, AnalysisTemplate> templates)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(templates);
        var errors = new List<SpecError>();
        foreach (var site in AnalysisRefSite.Of(manifest.Spec))
        {
            var problems = Merge(site.Analysis, templates).Problems;
            if (!site.Background)
            {
                problems = [.. problems, .. Endless(site.Analysis, templates)];
            }

            problems = [.. problems, .. UnknownSlos(site.Analysis, templates, manifest.Spec)];

            foreach (var problem in problems)
            {
                var path = problem.Path.Length == 0 ? site.Path : $"{site.Path}.{problem.Path}";
                errors.Add(manifest.Source?.ErrorAt(path, problem.Message) ?? new SpecError("(spec)", 1, 1, path, problem.Message));
            }
        }

        return [.. errors.OrderBy(e => e.Line).ThenBy(e => e.Column)];
    }

    /// <summary>
    /// The metrics <paramref name="analysis"/> runs, every placeholder replaced: its templates' metrics in the order
    /// the templates are named, then its inline metrics. When the templates no longer fit the reference — the checks
    /// of <see cref="Check"/> fail — no metric, and the problems (each prefixed with its field below the reference).
    /// </summary>
    public static AnalysisResolution Resolve(AnalysisRef analysis, IReadOnlyDictionary<string, AnalysisTemplate> templates, AnalysisBuiltIns builtIns)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        ArgumentNullException.ThrowIfNull(templates);
        ArgumentNullException.ThrowIfNull(builtIns);
        var merged = Merge(analysis, templates);
        if (merged.Problems.Count > 0)
        {
            return new AnalysisResolution([], [.. merged.Problems.Select(p => p.Path.Length == 0 ? p.Message : $"{p.Path}: {p.Message}")]);
        }

        string? Value(Placeholder placeholder) => placeholder.Kind switch
        {
            PlaceholderKind.Arg => merged.Values.GetValueOrDefault(placeholder.Name),
            PlaceholderKind.BuiltIn => placeholder.Name switch
            {
                AnalysisPlaceholders.App => builtIns.App,
                AnalysisPlaceholders.Environment => builtIns.Environment,
                AnalysisPlaceholders.Revision => builtIns.Revision.ToString(CultureInfo.InvariantCulture),
                _ => builtIns.StableRevision?.ToString(CultureInfo.InvariantCulture) ?? "",
            },
            _ => null,
        };

        return new AnalysisResolution(
            [.. merged.Metrics.Select(m => MetricStrings.Replace(m, text => AnalysisPlaceholders.Replace(text, Value)))],
            []);
    }

    /// <param name="Path">The field below the reference (<c>templates[1].templateName</c>); empty for the reference itself.</param>
    private sealed record Problem(string Path, string Message);

    private sealed record Merged(IReadOnlyList<Problem> Problems, IReadOnlyDictionary<string, string> Values, IReadOnlyList<MetricSpec> Metrics);

    /// <summary>A template's declaration of an argument, as merged across the reference's templates.</summary>
    private sealed record Declaration(string? Default, string Template);

    private static Merged Merge(AnalysisRef analysis, IReadOnlyDictionary<string, AnalysisTemplate> templates)
    {
        var problems = new List<Problem>();
        var found = new List<(int Index, AnalysisTemplate Template)>();
        for (var i = 0; i < analysis.Templates.Count; i++)
        {
            var name = analysis.Templates[i];
            if (templates.TryGetValue(name, out var template))
            {
                found.Add((i, template));
                continue;
            }

            var hint = FieldSuggestion.Closest(name, templates.Keys) is { } close ? $" (did you mean '{close}'?)" : "";
            problems.Add(new Problem($"templates[{i}].templateName", $"no analysis template named '{name}'{hint}: apply it (a kind: AnalysisTemplate document) before this spec or with it"));
        }

        var given = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var arg in analysis.Args)
        {
            given.TryAdd(arg.Name, arg.Value ?? "");
        }

        var declared = DeclaredArgs(found, given, problems);
        foreach (var (name, declaration) in declared)
        {
            if (declaration.Default is null && !given.ContainsKey(name))
            {
                problems.Add(new Problem("args", $"template '{declaration.Template}' needs argument '{name}', which has no default: add {{name: {name}, value: …}} to args"));
            }
        }

        var usedInline = CheckInlineArgs(analysis, declared, given, problems);

        // With a template missing, which arguments it would declare is unknown: say nothing rather than something false.
        if (found.Count == analysis.Templates.Count)
        {
            for (var j = 0; j < analysis.Args.Count; j++)
            {
                var name = analysis.Args[j].Name;
                if (!declared.ContainsKey(name) && !usedInline.Contains(name))
                {
                    var hint = FieldSuggestion.Closest(name, declared.Keys) is { } close ? $" (did you mean '{close}'?)" : "";
                    problems.Add(new Problem($"args[{j}].name", $"no template of this analysis declares argument '{name}'{hint}, and no inline metric uses it"));
                }
            }
        }

        CheckMetricNames(analysis, found, problems);

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, declaration) in declared)
        {
            if (declaration.Default is { } value)
            {
                values[name] = value;
            }
        }

        foreach (var (name, value) in given)
        {
            values[name] = value;
        }

        return new Merged(problems, values, [.. found.SelectMany(f => f.Template.Metrics), .. analysis.Metrics]);
    }

    /// <summary>The arguments the templates declare, by name; a default wins over none, and two different defaults
    /// are a problem unless the reference gives the value.</summary>
    private static Dictionary<string, Declaration> DeclaredArgs(List<(int Index, AnalysisTemplate Template)> found, Dictionary<string, string> given, List<Problem> problems)
    {
        var declared = new Dictionary<string, Declaration>(StringComparer.Ordinal);
        foreach (var (index, template) in found)
        {
            foreach (var arg in template.Args)
            {
                if (!declared.TryGetValue(arg.Name, out var previous) || (previous.Default is null && arg.Value is not null))
                {
                    declared[arg.Name] = new Declaration(arg.Value, template.Name);
                }
                else if (previous.Default is not null && arg.Value is not null && arg.Value != previous.Default && !given.ContainsKey(arg.Name))
                {
                    problems.Add(new Problem($"templates[{index}].templateName", $"templates '{previous.Template}' and '{template.Name}' both declare argument '{arg.Name}', with different defaults ('{previous.Default}' and '{arg.Value}'): give its value in args"));
                }
            }
        }

        return declared;
    }

    /// <summary>Inline metrics take their arguments from the reference's args or the templates' defaults; returns
    /// the names they use.</summary>
    private static HashSet<string> CheckInlineArgs(AnalysisRef analysis, Dictionary<string, Declaration> declared, Dictionary<string, string> given, List<Problem> problems)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (var k = 0; k < analysis.Metrics.Count; k++)
        {
            foreach (var (path, text) in MetricStrings.Of(analysis.Metrics[k]))
            {
                foreach (var name in AnalysisPlaceholders.ArgsUsed(text))
                {
                    used.Add(name);

                    // Declared without a default and not given: reported once, as a required argument.
                    if (!given.ContainsKey(name) && !declared.ContainsKey(name))
                    {
                        problems.Add(new Problem($"metrics[{k}].{path}", $"'{{{{args.{name}}}}}' has no value: add {{name: {name}, value: …}} to args (no template of this analysis declares '{name}')"));
                    }
                }
            }
        }

        return used;
    }

    /// <summary>
    /// A metric measured at an interval with neither a count nor a consecutiveSuccessLimit runs until the analysis
    /// is stopped: right for a background analysis, which the end of the rollout stops, but an analysis that the
    /// rollout waits for (a step, blue-green's pre- and post-promotion) would then never end, and the rollout never
    /// go on.
    /// </summary>
    private static IEnumerable<Problem> Endless(AnalysisRef analysis, IReadOnlyDictionary<string, AnalysisTemplate> templates)
    {
        static bool Ends(MetricSpec m) => m.Interval is null || m.Count is not null || m.ConsecutiveSuccessLimit is not null;
        const string Why = "has an interval and neither a count nor a consecutiveSuccessLimit, so it is measured until the analysis is stopped; the rollout waits for this analysis to end, and would wait for ever: give it a count";
        for (var i = 0; i < analysis.Templates.Count; i++)
        {
            if (templates.TryGetValue(analysis.Templates[i], out var template))
            {
                foreach (var metric in template.Metrics.Where(m => !Ends(m)))
                {
                    yield return new Problem($"templates[{i}].templateName", $"metric '{metric.Name}' of template '{template.Name}' {Why} (or run the template as background analysis)");
                }
            }
        }

        for (var k = 0; k < analysis.Metrics.Count; k++)
        {
            if (!Ends(analysis.Metrics[k]))
            {
                yield return new Problem($"metrics[{k}].interval", $"metric '{analysis.Metrics[k].Name}' {Why}");
            }
        }
    }

    /// <summary>An <c>slo</c> metric reads an SLO of the app it analyses: one the app does not declare cannot be measured.</summary>
    private static IEnumerable<Problem> UnknownSlos(AnalysisRef analysis, IReadOnlyDictionary<string, AnalysisTemplate> templates, Spec.ApplicationSpec spec)
    {
        var declared = spec.Slos.Select(s => s.Name).ToList();
        var known = declared.Count == 0 ? "it declares none under slos" : $"it declares: {string.Join(", ", declared)}";
        for (var i = 0; i < analysis.Templates.Count; i++)
        {
            if (templates.TryGetValue(analysis.Templates[i], out var template))
            {
                foreach (var metric in template.Metrics)
                {
                    if (metric.Provider is SloMetricProvider slo && !declared.Contains(slo.Name, StringComparer.Ordinal))
                    {
                        yield return new Problem($"templates[{i}].templateName", $"metric '{metric.Name}' of template '{template.Name}' reads SLO '{slo.Name}', which this app does not declare ({known})");
                    }
                }
            }
        }

        for (var k = 0; k < analysis.Metrics.Count; k++)
        {
            if (analysis.Metrics[k].Provider is SloMetricProvider slo && !declared.Contains(slo.Name, StringComparer.Ordinal))
            {
                var hint = FieldSuggestion.Closest(slo.Name, declared) is { } close ? $" (did you mean '{close}'?)" : "";
                yield return new Problem($"metrics[{k}].provider.slo.name", $"no SLO named '{slo.Name}' in this app{hint}: {known}");
            }
        }
    }

    private static void CheckMetricNames(AnalysisRef analysis, List<(int Index, AnalysisTemplate Template)> found, List<Problem> problems)
    {
        // Which template each metric name comes from; null for an inline metric.
        var owners = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (index, template) in found)
        {
            foreach (var metric in template.Metrics)
            {
                if (!owners.TryAdd(metric.Name, template.Name))
                {
                    problems.Add(new Problem($"templates[{index}].templateName", $"templates '{owners[metric.Name]}' and '{template.Name}' both have a metric named '{metric.Name}': metric names must be unique within an analysis"));
                }
            }
        }

        for (var k = 0; k < analysis.Metrics.Count; k++)
        {
            var name = analysis.Metrics[k].Name;
            if (!owners.TryAdd(name, null))
            {
                var other = owners[name] is { } template ? $"template '{template}' already has a metric named '{name}'" : $"another inline metric is named '{name}'";
                problems.Add(new Problem($"metrics[{k}].name", $"{other}: metric names must be unique within an analysis"));
            }
        }
    }
}
