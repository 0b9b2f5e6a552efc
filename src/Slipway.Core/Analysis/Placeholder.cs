namespace Slipway.Core.Analysis;

/// <summary>
/// One <c>{{…}}</c> in a provider's string: where it is (<see cref="Offset"/>, <see cref="Length"/>, both counting
/// the braces), what kind it is, and the name it uses (the argument's name for <c>{{args.NAME}}</c>, the built-in's
/// name, or the text between the braces for an unknown one).
/// </summary>
internal readonly record struct Placeholder(int Offset, int Length, string Name, PlaceholderKind Kind);

internal enum PlaceholderKind
{
    /// <summary><c>{{args.NAME}}</c>: a template's argument.</summary>
    Arg,

    /// <summary><c>{{app}}</c>, <c>{{environment}}</c>, <c>{{revision}}</c> or <c>{{stableRevision}}</c>: known without declaring them.</summary>
    BuiltIn,

    /// <summary>Anything else between braces: an error where it is written.</summary>
    Unknown,

    /// <summary>A <c>{{</c> with no <c>}}</c> after it.</summary>
    Unclosed,
}
