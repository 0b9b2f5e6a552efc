using Slipway.Core.Analysis.Conditions;

namespace Slipway.Core.Spec.Parsing;

/// <summary>
/// Parses a metric's <c>successCondition</c> or <c>failureCondition</c> when the spec is applied, so that a syntax
/// error is reported there — at its file, line and column, and its column within the condition — and not found by
/// the first measurement of a rollout. The text is kept as written: the evaluator parses it again.
/// </summary>
internal sealed class ConditionCheck(SpecReader reader)
{
    /// <summary>Reads and checks the condition in field <paramref name="name"/>; null when absent.</summary>
    /// <param name="baseline">A router metric with <c>baseline: true</c>: <c>canary</c> and <c>stable</c> may be read.</param>
    public string? Read(MappingFields metric, string name, bool baseline)
    {
        if (metric.Value(name) is not { } node)
        {
            return null;
        }

        var path = metric.PathOf(name);
        var text = reader.AsString(node, path);
        if (text is null)
        {
            return null;
        }

        if (text.Trim().Length == 0)
        {
            reader.Error(node.Start, path, "must not be empty: leave the field out instead");
            return text;
        }

        var scalar = node as SpecScalar;
        SpecPosition At(int offset) => scalar?.At(offset) ?? node.Start;

        // Conditions are parsed here, when applied, before any argument has a value; a placeholder would be a syntax
        // error at best, and a value that changes what the condition means at worst.
        var placeholder = text.IndexOf("{{", StringComparison.Ordinal);
        if (placeholder >= 0)
        {
            reader.Error(At(placeholder), path, $"a condition cannot use placeholders such as '{{{{args.NAME}}}}' (column {placeholder + 1} of the condition): it is checked when applied, before arguments have values; write the value itself");
            return text;
        }

        Condition.Parse(text, baseline, out var errors);
        foreach (var error in errors)
        {
            reader.Error(At(error.Offset), path, $"{error.Message} (column {error.Offset + 1} of the condition)");
        }

        return text;
    }
}
