namespace Slipway.Core.Analysis.Conditions;

/// <summary>
/// A parsed success or failure condition: a small, safe expression over <c>result</c> (and, for a baseline
/// comparison, <c>canary</c> and <c>stable</c>). See docs/analysis.md, "Conditions". Parsed when a spec is applied,
/// so that a syntax error is reported there with its position; evaluated for each measurement.
/// </summary>
public sealed class Condition
{
    private Condition(string text) => Text = text;

    public string Text { get; }

    /// <summary>The condition, or null with every error found (each with its 0-based offset in <paramref name="text"/>).</summary>
    /// <param name="baseline">Whether <c>canary</c> and <c>stable</c> may be read (a baseline comparison); without it,
    /// naming them is an error.</param>
    public static Condition? Parse(string text, bool baseline, out IReadOnlyList<ConditionError> errors) =>
        throw new NotImplementedException("conditions: see the brief");

    /// <summary>True or false; an error (a type mismatch, a missing value) when it cannot be decided.</summary>
    public ConditionResult Evaluate(ConditionScope scope) =>
        throw new NotImplementedException("conditions: see the brief");
}

/// <param name="Offset">0-based offset of the offending character in the condition's text.</param>
public sealed record ConditionError(int Offset, string Message);

/// <summary>The names a condition can read: <c>result</c> always; <c>canary</c> and <c>stable</c> for a baseline comparison.</summary>
public sealed record ConditionScope(AnalysisValue Result, AnalysisValue? Canary = null, AnalysisValue? Stable = null);

/// <summary><see cref="Value"/>, or <see cref="Error"/> when the condition could not be evaluated.</summary>
public readonly record struct ConditionResult(bool Value, string? Error)
{
    public static ConditionResult Of(bool value) => new(value, null);

    public static ConditionResult Failed(string error) => new(false, error);
}
