using Slipway.Core.Analysis;

namespace Slipway.Core.Spec.Parsing;

/// <summary>
/// Checks the <c>{{…}}</c> placeholders of a provider's string where it is written, at the column of each one:
/// unknown built-ins, malformed or unclosed braces, and — in a template, which declares its arguments — an argument
/// the template does not declare. Inline metrics of an application take their arguments from the templates they are
/// used with, which are known only when applied: <see cref="AnalysisResolver.Check"/> checks theirs then.
/// </summary>
internal sealed class PlaceholderCheck(SpecReader reader)
{
    private static readonly string Expected = "{{args.NAME}}, " + string.Join(", ", AnalysisPlaceholders.BuiltIns.SkipLast(1).Select(b => $"{{{{{b}}}}}")) + $" or {{{{{AnalysisPlaceholders.BuiltIns[^1]}}}}}";

    /// <summary>A string field that may hold placeholders: as <see cref="SpecReader.RequiredString"/> when
    /// <paramref name="required"/> ("" when missing), else as <see cref="SpecReader.OptionalString"/>.</summary>
    /// <param name="declaredArgs">The template's arguments; null for an inline metric.</param>
    public string? Read(MappingFields m, string name, IReadOnlySet<string>? declaredArgs, bool required = false)
    {
        var text = required ? reader.RequiredString(m, name) : reader.OptionalString(m, name);
        Check(m.Value(name), m.PathOf(name), text, declaredArgs);
        return text;
    }

    /// <summary>Reports every bad placeholder of <paramref name="text"/>, written at <paramref name="node"/>.</summary>
    public void Check(SpecNode? node, string path, string? text, IReadOnlySet<string>? declaredArgs)
    {
        if (node is null || text is null)
        {
            return;
        }

        foreach (var placeholder in AnalysisPlaceholders.Find(text))
        {
            var at = node is SpecScalar scalar ? scalar.At(placeholder.Offset) : node.Start;
            var written = text.Substring(placeholder.Offset, placeholder.Length);
            switch (placeholder.Kind)
            {
                case PlaceholderKind.Unclosed:
                    reader.Error(at, path, "'{{' has no closing '}}': a placeholder is written {{args.NAME}}");
                    break;
                case PlaceholderKind.Unknown:
                    var candidates = AnalysisPlaceholders.BuiltIns.Concat(declaredArgs?.Select(a => AnalysisPlaceholders.ArgsPrefix + a) ?? []);
                    var hint = FieldSuggestion.Closest(placeholder.Name, candidates) is { } suggestion ? $" (did you mean '{{{{{suggestion}}}}}'?)" : "";
                    reader.Error(at, path, $"unknown placeholder '{written}'{hint}: expected {Expected}");
                    break;
                case PlaceholderKind.Arg when SpecNames.CheckArgName(placeholder.Name) is { } problem:
                    reader.Error(at, path, $"'{written}' does not name an argument: an argument's name {problem}");
                    break;
                case PlaceholderKind.Arg when declaredArgs is not null && !declaredArgs.Contains(placeholder.Name):
                    var close = FieldSuggestion.Closest(placeholder.Name, declaredArgs) is { } arg ? $" (did you mean '{arg}'?)" : "";
                    reader.Error(at, path, $"unknown argument '{placeholder.Name}'{close}: declare it in the template's spec.args");
                    break;
            }
        }
    }
}
