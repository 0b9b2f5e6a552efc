using System.Globalization;
using System.Text.RegularExpressions;

namespace Slipway.Core.Spec.Parsing;

/// <summary>
/// Typed reads from <see cref="SpecNode"/>s with error reporting. Every read returns a usable
/// value even when the input is wrong (a default or a placeholder) and records the problem:
/// the caller keeps going and the document is discarded at the end if anything was recorded.
/// </summary>
internal sealed partial class SpecReader(SpecErrorSink errors)
{
    // Where each field of the document being read is: its key and its value, by field path.
    private Dictionary<string, (SpecPosition Key, SpecPosition Value)> _fields = new(StringComparer.Ordinal);

    public int ErrorCount => errors.Count;

    public string FileName => errors.FileName;

    /// <summary>Starts recording the positions of a new document's fields; returns where they are recorded.</summary>
    public IReadOnlyDictionary<string, (SpecPosition Key, SpecPosition Value)> BeginDocument()
    {
        _fields = new Dictionary<string, (SpecPosition Key, SpecPosition Value)>(StringComparer.Ordinal);
        return _fields;
    }

    public void Error(SpecPosition at, string path, string message) => errors.Add(at, path, message);

    /// <summary>
    /// Opens a mapping, reporting non-scalar keys, duplicate keys and unknown fields. A null or
    /// absent node is an empty mapping (every field takes its default); anything else is an error.
    /// </summary>
    public MappingFields Mapping(SpecNode? node, string path, SpecPosition missingAt, FieldSet fields)
    {
        switch (node)
        {
            case null or SpecScalar { IsNull: true }:
                return MappingFields.Empty(path, missingAt);
            case not SpecMapping:
                Error(node.Start, path, $"expected a mapping, got {node.Describe()}");
                return MappingFields.Invalid(path, missingAt);
        }

        var mapping = (SpecMapping)node;
        var entries = new Dictionary<string, SpecMappingEntry>(StringComparer.Ordinal);
        var unknownFields = new List<string>();
        foreach (var entry in mapping.Entries)
        {
            if (entry.Key is not SpecScalar { IsNull: false } key)
            {
                Error(entry.Key.Start, path, $"expected a field name, got {entry.Key.Describe()}");
                continue;
            }

            var name = key.Value;
            if (entries.TryGetValue(name, out var first))
            {
                Error(key.Start, SpecPath.Field(path, name), $"duplicate field '{name}' (first set at line {first.Key.Start.Line})");
                continue;
            }

            entries.Add(name, entry);
            _fields.TryAdd(SpecPath.Field(path, name), (key.Start, entry.Value.Start));
            if (!fields.AnyKey && !fields.Known.Contains(name, StringComparer.Ordinal))
            {
                ReportUnknown(key, path, name, fields);
                unknownFields.Add(name);
            }
        }

        return new MappingFields(path, missingAt, isValid: true, entries, unknownFields);
    }

    /// <summary>Opens the mapping held by field <paramref name="name"/> of <paramref name="parent"/>; absent is empty.</summary>
    public MappingFields Child(MappingFields parent, string name, FieldSet fields) =>
        parent.IsValid
            ? Mapping(parent.Value(name), parent.PathOf(name), parent.KeyPosition(name), fields)
            : MappingFields.Invalid(parent.PathOf(name), parent.MissingAt);

    /// <summary>Like <see cref="Child"/>, but a missing mapping is an error.</summary>
    public MappingFields RequiredChild(MappingFields parent, string name, FieldSet fields)
    {
        if (parent.IsValid && parent.Value(name) is null)
        {
            Missing(parent, name);
            return MappingFields.Invalid(parent.PathOf(name), parent.MissingAt);
        }

        return Child(parent, name, fields);
    }

    private static readonly FieldSet IrreversibleFields = FieldSet.Of("reason");

    /// <summary>
    /// <c>irreversible: {reason: …}</c> on a release or a hook: what a rollback cannot undo, said in words (required,
    /// not empty: it is what someone rolling back at 3 am reads). Null when absent.
    /// </summary>
    public IrreversibleSpec? Irreversible(MappingFields parent, string name = "irreversible")
    {
        if (!parent.IsValid || parent.Value(name) is null)
        {
            return null;
        }

        var reason = RequiredString(Child(parent, name, IrreversibleFields), "reason");
        return reason.Length == 0 ? null : new IrreversibleSpec(reason);
    }

    public void Missing(MappingFields parent, string name) =>
        Error(parent.KeyPosition(name), parent.PathOf(name), $"missing required field '{name}'");

    public string? OptionalString(MappingFields m, string name) =>
        m.Value(name) is { } node ? AsString(node, m.PathOf(name)) : null;

    /// <summary>A required, non-empty string; "" (reported) when missing or wrong.</summary>
    public string RequiredString(MappingFields m, string name)
    {
        if (!m.IsValid)
        {
            return "";
        }

        if (m.Value(name) is not { } node)
        {
            Missing(m, name);
            return "";
        }

        var value = AsString(node, m.PathOf(name));
        if (value is { Length: 0 })
        {
            Error(node.Start, m.PathOf(name), "must not be empty");
        }

        return value ?? "";
    }

    /// <summary>
    /// A string. Any scalar is accepted as the text it was written as (<c>value: 8080</c> is
    /// "8080"), as people do not quote numbers in env values or args; null and collections are errors.
    /// </summary>
    public string? AsString(SpecNode node, string path)
    {
        if (node is SpecScalar { IsNull: false } scalar)
        {
            return scalar.Value;
        }

        Error(node.Start, path, $"expected a string, got {node.Describe()}");
        return null;
    }

    public int Int(MappingFields m, string name, int defaultValue, int min, int max = int.MaxValue) =>
        m.Value(name) is { } node ? AsInt(node, m.PathOf(name), min, max) ?? defaultValue : defaultValue;

    public int? OptionalInt(MappingFields m, string name, int min, int max = int.MaxValue) =>
        m.Value(name) is { } node ? AsInt(node, m.PathOf(name), min, max) : null;

    /// <summary>A required integer in [min, max]; <paramref name="min"/> (reported) when missing or wrong.</summary>
    public int RequiredInt(MappingFields m, string name, int min, int max = int.MaxValue)
    {
        if (m.IsValid && m.Entry(name) is null)
        {
            Missing(m, name);
            return min;
        }

        // A key written without a value ("percentage:") is "got null", not "missing".
        return m.Entry(name) is { } entry ? AsInt(entry.Value, m.PathOf(name), min, max) ?? min : min;
    }

    /// <summary>An integer in [min, max]; null (reported) otherwise.</summary>
    public int? AsInt(SpecNode node, string path, int min, int max = int.MaxValue)
    {
        if (node is not SpecScalar { Kind: ScalarKind.Integer } scalar)
        {
            Error(node.Start, path, $"expected an integer, got {node.Describe()}");
            return null;
        }

        var parsed = scalar.TryGetInteger(out var value);
        if (!parsed || value < min || value > max)
        {
            // A value beyond long is still "too small" or "too large"; its sign says which.
            var tooSmall = parsed ? value < min : scalar.Value.StartsWith('-');
            var message = max != int.MaxValue ? $"must be between {min} and {max}"
                : tooSmall ? $"must be at least {min}"
                : $"is too large (at most {int.MaxValue})";
            Error(node.Start, path, $"{message}, got {scalar.Value}");
            return null;
        }

        return (int)value;
    }

    public bool Bool(MappingFields m, string name, bool defaultValue)
    {
        if (m.Value(name) is not { } node)
        {
            return defaultValue;
        }

        if (node is SpecScalar { Kind: ScalarKind.Boolean } scalar)
        {
            return scalar.Value is "true" or "True" or "TRUE";
        }

        Error(node.Start, m.PathOf(name), $"expected a boolean (true or false), got {node.Describe()}");
        return defaultValue;
    }

    /// <summary>
    /// A duration (see <see cref="DurationParser"/>) in [<paramref name="min"/>, <paramref name="max"/>]; null when
    /// absent, or (reported) when wrong. <paramref name="wholeSeconds"/> for what the router counts per second.
    /// </summary>
    public TimeSpan? Duration(MappingFields m, string name, TimeSpan min, TimeSpan? max = null, bool wholeSeconds = false)
    {
        if (m.Value(name) is not { } node)
        {
            return null;
        }

        var path = m.PathOf(name);
        if (node is not SpecScalar { Kind: ScalarKind.String or ScalarKind.Integer } scalar || !DurationParser.TryParse(scalar.Value, out var value))
        {
            Error(node.Start, path, $"expected a duration such as '30s', '5m', '1h30m' or a number of seconds, got {node.Describe()}");
            return null;
        }

        if (value < min || value > max)
        {
            var range = max is { } upper
                ? $"must be between {DurationParser.Format(min)} and {DurationParser.Format(upper)}"
                : $"must be at least {DurationParser.Format(min)}";
            Error(node.Start, path, $"{range}, got {scalar.Value}");
            return null;
        }

        if (wholeSeconds && value.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            Error(node.Start, path, $"must be a whole number of seconds (the router counts requests per second), got {scalar.Value}");
            return null;
        }

        return value;
    }

    /// <summary>
    /// A finite number (an integer or a decimal, unquoted) in the range given; <paramref name="exclusive"/> leaves out
    /// both bounds. <paramref name="defaultValue"/> when absent, or (reported) when wrong.
    /// </summary>
    public double Number(MappingFields m, string name, double defaultValue, double min, double max, bool exclusive = false)
    {
        if (m.Value(name) is not { } node)
        {
            return defaultValue;
        }

        var path = m.PathOf(name);
        if (node is not SpecScalar { Kind: ScalarKind.Integer or ScalarKind.Float } scalar || !TryGetNumber(scalar, out var value))
        {
            Error(node.Start, path, $"expected a number, got {node.Describe()}");
            return defaultValue;
        }

        var inRange = exclusive ? value > min && value < max : value >= min && value <= max;
        if (!inRange)
        {
            var range = exclusive ? $"must be more than {Show(min)} and less than {Show(max)}"
                : double.IsPositiveInfinity(max) ? $"must be at least {Show(min)}"
                : $"must be between {Show(min)} and {Show(max)}";
            Error(node.Start, path, $"{range}, got {scalar.Value}");
            return defaultValue;
        }

        return value;
    }

    /// <summary>
    /// One of <paramref name="values"/>, exactly as written (they are case-sensitive, as Kubernetes' are), with a
    /// "did you mean" for a near miss; null when absent, or (reported) when wrong.
    /// </summary>
    public string? OneOf(MappingFields m, string name, IReadOnlyList<string> values)
    {
        if (m.Value(name) is not { } node)
        {
            return null;
        }

        var text = AsString(node, m.PathOf(name));
        if (text is null || values.Contains(text, StringComparer.Ordinal))
        {
            return text;
        }

        var expected = values.Count == 2 ? $"{values[0]} or {values[1]}" : "one of: " + string.Join(", ", values);
        var hint = FieldSuggestion.Closest(text, values) is { } suggestion ? $" (did you mean '{suggestion}'?)" : "";
        Error(node.Start, m.PathOf(name), $"expected {expected}, got '{text}'{hint}");
        return null;
    }

    /// <summary>A count (integer ≥ 0) or a percentage written as a string such as <c>25%</c> (0–100).</summary>
    public IntOrPercent IntOrPercent(MappingFields m, string name, IntOrPercent defaultValue)
    {
        if (m.Value(name) is not { } node)
        {
            return defaultValue;
        }

        var path = m.PathOf(name);
        if (node is SpecScalar { Kind: ScalarKind.Integer })
        {
            return AsInt(node, path, 0) is { } count ? Spec.IntOrPercent.Count(count) : defaultValue;
        }

        if (node is SpecScalar { Kind: ScalarKind.String } scalar && PercentPattern().Match(scalar.Value) is { Success: true } match)
        {
            if (int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var percent) && percent <= 100)
            {
                return Spec.IntOrPercent.Percent(percent);
            }

            Error(node.Start, path, $"a percentage must be between 0% and 100%, got '{scalar.Value}'");
            return defaultValue;
        }

        Error(node.Start, path, $"expected an integer or a percentage such as '25%', got {node.Describe()}");
        return defaultValue;
    }

    /// <summary>A list field; null when absent, or (reported) when not a list.</summary>
    public SpecSequence? Sequence(MappingFields m, string name)
    {
        switch (m.Value(name))
        {
            case null:
                return null;
            case SpecSequence sequence:
                for (var i = 0; i < sequence.Items.Count; i++)
                {
                    _fields.TryAdd(SpecPath.Index(m.PathOf(name), i), (sequence.Items[i].Start, sequence.Items[i].Start));
                }

                return sequence;
            case var node:
                Error(node.Start, m.PathOf(name), $"expected a list, got {node.Describe()}");
                return null;
        }
    }

    /// <summary>A list of strings; absent is empty unless <paramref name="required"/> (then it must also be non-empty).</summary>
    public IReadOnlyList<string> StringList(MappingFields m, string name, bool required = false)
    {
        if (required && m.IsValid && m.Value(name) is null)
        {
            Missing(m, name);
            return [];
        }

        if (Sequence(m, name) is not { } sequence)
        {
            return [];
        }

        var path = m.PathOf(name);
        if (required && sequence.Items.Count == 0)
        {
            Error(sequence.Start, path, "must not be empty");
        }

        var list = new List<string>(sequence.Items.Count);
        for (var i = 0; i < sequence.Items.Count; i++)
        {
            list.Add(AsString(sequence.Items[i], SpecPath.Index(path, i)) ?? "");
        }

        return list;
    }

    /// <summary>
    /// For a mapping that must hold exactly one of <paramref name="options"/> (a strategy, a canary
    /// step, a probe action): reports none or several, and returns those present, in document
    /// order, so that the caller reads (and reports the errors of) each one and keeps the first.
    /// A key with a null value counts as set (<c>recreate:</c>).
    /// </summary>
    public IReadOnlyList<string> Choose(MappingFields m, IReadOnlyList<string> options)
    {
        if (!m.IsValid)
        {
            return [];
        }

        var present = m.Present.Where(n => options.Contains(n, StringComparer.Ordinal)).ToList();
        var choices = string.Join(", ", options);
        if (present.Count == 0 && !m.UnknownFields.Any(u => FieldSuggestion.Closest(u, options) is not null))
        {
            // A misspelt choice (setWeigth) was reported with its "did you mean"; "none set" would only repeat it.
            Error(m.MissingAt, m.Path, $"must set exactly one of: {choices}");
        }
        else if (present.Count > 1)
        {
            Error(m.KeyPosition(present[1]), m.Path, $"must set only one of: {choices}; got '{present[0]}' and '{present[1]}'");
        }

        return present;
    }

    /// <summary>Applies a naming rule (see <see cref="SpecNames"/>) to a value read from field <paramref name="name"/>.</summary>
    public void Check(MappingFields m, string name, string? value, Func<string, string?> rule)
    {
        if (value is { Length: > 0 } && m.Value(name) is { } node && rule(value) is { } message)
        {
            Error(node.Start, m.PathOf(name), message);
        }
    }

    private static bool TryGetNumber(SpecScalar scalar, out double value)
    {
        if (scalar.TryGetInteger(out var integer))
        {
            value = integer;
            return true;
        }

        // .inf and .nan are YAML floats, but no setting means them.
        return double.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
    }

    private static string Show(double value) => value.ToString(CultureInfo.InvariantCulture);

    private void ReportUnknown(SpecScalar key, string path, string name, FieldSet fields)
    {
        var fieldPath = SpecPath.Field(path, name);
        if (fields.Reserved?.GetValueOrDefault(name) is { } reservedMessage)
        {
            Error(key.Start, fieldPath, reservedMessage);
            return;
        }

        var message = FieldSuggestion.Closest(name, fields.Known) is { } suggestion
            ? $"unknown field '{name}' (did you mean '{suggestion}'?)"
            : fields.Known.Count == 0
                ? $"unknown field '{name}'"
                : $"unknown field '{name}' (expected one of: {string.Join(", ", fields.Known)})";
        Error(key.Start, fieldPath, message);
    }

    [GeneratedRegex(@"^([0-9]+)%$")]
    private static partial Regex PercentPattern();
}
