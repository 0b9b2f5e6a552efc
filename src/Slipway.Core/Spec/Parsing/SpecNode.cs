using System.Globalization;

namespace Slipway.Core.Spec.Parsing;

/// <summary>
/// A YAML node with its position. Our own small tree, rather than YamlDotNet's representation
/// model, because that one throws on a duplicate key and we want to report it with the rest.
/// </summary>
internal abstract record SpecNode(SpecPosition Start)
{
    /// <summary>How the node is named in "expected X, got Y" messages.</summary>
    public abstract string Describe();
}

/// <summary>What a scalar is under the YAML 1.2 core schema (quoted scalars are always strings).</summary>
internal enum ScalarKind
{
    Null,
    Boolean,
    Integer,
    Float,
    String,
}

/// <summary>How a scalar was written: the style decides how a character of its value maps to a column of the text.</summary>
internal enum ScalarForm
{
    Plain,
    Quoted,

    /// <summary><c>|</c> or <c>&gt;</c>: the value starts on the line after the indicator.</summary>
    Block,
}

internal sealed record SpecScalar(SpecPosition Start, string Value, ScalarKind Kind) : SpecNode(Start)
{
    private const int MaxQuotedLength = 40;

    public bool IsNull => Kind == ScalarKind.Null;

    public ScalarForm Form { get; init; } = ScalarForm.Plain;

    /// <summary>Where the scalar's text ends (just after its last character, closing quote included).</summary>
    public SpecPosition? End { get; init; }

    /// <summary>
    /// Where character <paramref name="offset"/> of <see cref="Value"/> was written, so that an error inside a value
    /// (a condition's syntax, a placeholder) points at the character. Exact for a scalar written on one line without
    /// escapes — its text is then as long as its value, plus the quotes — and the scalar's own start otherwise
    /// (a block scalar, a folded line, an escape), which is still the right line.
    /// </summary>
    public SpecPosition At(int offset)
    {
        var quote = Form == ScalarForm.Quoted ? 1 : 0;
        return Form != ScalarForm.Block && End is { } end && end.Line == Start.Line && end.Column - Start.Column == Value.Length + (2 * quote)
            ? new SpecPosition(Start.Line, Start.Column + quote + Math.Clamp(offset, 0, Value.Length))
            : Start;
    }

    public override string Describe() => Kind switch
    {
        ScalarKind.Null => "null",
        ScalarKind.Boolean => $"boolean '{Shorten(Value)}'",
        ScalarKind.Integer => $"integer '{Shorten(Value)}'",
        ScalarKind.Float => $"number '{Shorten(Value)}'",
        _ => $"string '{Shorten(Value)}'",
    };

    // Long values (a pasted certificate, a script) would drown the message.
    private static string Shorten(string value) =>
        value.Length <= MaxQuotedLength ? value : string.Concat(value.AsSpan(0, MaxQuotedLength), "…");

    /// <summary>The YAML 1.2 core-schema integer value, if the scalar is one.</summary>
    public bool TryGetInteger(out long value)
    {
        value = 0;
        if (Kind != ScalarKind.Integer)
        {
            return false;
        }

        if (Value.StartsWith("0x", StringComparison.Ordinal))
        {
            return long.TryParse(Value.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value) && value >= 0;
        }

        if (Value.StartsWith("0o", StringComparison.Ordinal))
        {
            try
            {
                value = Convert.ToInt64(Value[2..], 8);
                return value >= 0;
            }
            catch (OverflowException)
            {
                return false;
            }
        }

        return long.TryParse(Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }
}

internal sealed record SpecSequence(SpecPosition Start, IReadOnlyList<SpecNode> Items) : SpecNode(Start)
{
    public override string Describe() => "a list";
}

internal sealed record SpecMappingEntry(SpecNode Key, SpecNode Value);

internal sealed record SpecMapping(SpecPosition Start, IReadOnlyList<SpecMappingEntry> Entries) : SpecNode(Start)
{
    public override string Describe() => "a mapping";
}
