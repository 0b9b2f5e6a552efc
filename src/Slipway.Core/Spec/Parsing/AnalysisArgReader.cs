using System.Collections.Frozen;
using Slipway.Core.Analysis;

namespace Slipway.Core.Spec.Parsing;

/// <summary>
/// Reads a list of <see cref="AnalysisArg"/>: a template's declarations (<c>spec.args</c>, a value being a default)
/// or a reference's values (<c>analysis.args</c>, where a value is required). Names are unique in a list.
/// </summary>
internal sealed class AnalysisArgReader(SpecReader reader)
{
    private static readonly FieldSet Fields = new(
        ["name", "value"],
        new Dictionary<string, string>
        {
            ["valueFrom"] = "not supported yet: give the value itself; the revisions are known as {{revision}} and {{stableRevision}}, the app and environment as {{app}} and {{environment}}",
        }.ToFrozenDictionary());

    /// <param name="valueRequired">A reference gives values; a template may leave one out to make the argument required.</param>
    public List<AnalysisArg> Read(MappingFields parent, string name, bool valueRequired)
    {
        var args = new List<AnalysisArg>();
        if (reader.Sequence(parent, name) is not { } list)
        {
            return args;
        }

        var path = parent.PathOf(name);
        var seen = new Dictionary<string, SpecPosition>(StringComparer.Ordinal);
        for (var i = 0; i < list.Items.Count; i++)
        {
            var item = list.Items[i];
            if (item is SpecScalar { IsNull: true })
            {
                reader.Error(item.Start, SpecPath.Index(path, i), "expected a mapping with name and value, got null");
                continue;
            }

            var arg = reader.Mapping(item, SpecPath.Index(path, i), item.Start, Fields);
            var argName = reader.RequiredString(arg, "name");
            reader.Check(arg, "name", argName, SpecNames.CheckArgName);
            if (argName.Length > 0 && arg.Value("name") is { } nameNode && !seen.TryAdd(argName, nameNode.Start))
            {
                reader.Error(nameNode.Start, arg.PathOf("name"), $"duplicate argument '{argName}' (first set at line {seen[argName].Line})");
            }

            // value: "" is a value; "value:" with nothing after it is none, which a reference must not leave.
            if (valueRequired && arg.IsValid && arg.Value("value") is null && arg.Entry("valueFrom") is null)
            {
                reader.Missing(arg, "value");
            }

            args.Add(new AnalysisArg(argName, reader.OptionalString(arg, "value")));
        }

        return args;
    }
}
