namespace Slipway.Core.Spec.Parsing;

/// <summary>Which app×env a document defines, and where its name is.</summary>
internal sealed record DocumentIdentity(string Name, string Environment, SpecPosition At)
{
    public override string ToString() => $"{Name}/{Environment}";
}
