namespace Slipway.Core.Analysis.Conditions;

/// <summary>The functions a condition can call: a closed list, checked when the condition is parsed.</summary>
internal enum ConditionFunction
{
    /// <summary><c>len(x)</c>: the number of items of a list, or of characters of a string.</summary>
    Len,

    /// <summary><c>isNaN(x)</c>: whether a number is NaN (a Prometheus <c>NaN</c>, a rate over no requests).</summary>
    IsNaN,

    /// <summary><c>default(x, fallback)</c>: <c>fallback</c> when <c>x</c> is null or NaN, else <c>x</c>.</summary>
    Default,
}

internal static class ConditionFunctions
{
    public static readonly IReadOnlyList<string> Names = ["len", "isNaN", "default"];

    /// <summary>The list error messages give: "the functions are len(x), isNaN(x) and default(x, fallback)".</summary>
    public const string Listing = "len(x), isNaN(x) and default(x, fallback)";

    public static ConditionFunction? Find(string name) => name switch
    {
        "len" => ConditionFunction.Len,
        "isNaN" => ConditionFunction.IsNaN,
        "default" => ConditionFunction.Default,
        _ => null,
    };

    public static string Name(this ConditionFunction function) => function switch
    {
        ConditionFunction.Len => "len",
        ConditionFunction.IsNaN => "isNaN",
        _ => "default",
    };

    public static string Signature(this ConditionFunction function) => function switch
    {
        ConditionFunction.Len => "len(x)",
        ConditionFunction.IsNaN => "isNaN(x)",
        _ => "default(x, fallback)",
    };

    public static int Arity(this ConditionFunction function) => function == ConditionFunction.Default ? 2 : 1;
}
