namespace Slipway.Core.Spec.Parsing;

/// <summary>A 1-based line and column in the spec text.</summary>
public readonly record struct SpecPosition(int Line, int Column)
{
    public static readonly SpecPosition Start = new(1, 1);
}
