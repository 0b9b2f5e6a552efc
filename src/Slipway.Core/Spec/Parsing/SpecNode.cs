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

internal sealed record SpecScalar(SpecPosition Start, string Value, ScalarKind Kind) : SpecNode(Start)
{
    private const int MaxQuotedLength = 40;

    public bool IsNull => Kind == ScalarKind.Null;

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
