namespace Slipway.Core.Analysis.Conditions;

/// <summary>
/// A parsed success or failure condition: a small, safe expression over <c>result</c> (and, for a baseline
/// comparison, <c>canary</c> and <c>stable</c>). The language: docs/conditions.md. Parsed when a spec is applied,
/// so that a syntax error is reported there with its position; evaluated for each measurement.
/// </summary>
public sealed class Condition
{
    /// <summary>The longest text accepted. Argo Rollouts' conditions are a few dozen characters; the bound keeps
    /// parsing and evaluation cheap and shallow whatever a spec holds.</summary>
    public const int MaxLength = 1000;

    /// <summary>How deeply parentheses, brackets, calls and unary operators may nest: the parser recurses only into
    /// nesting, so this bounds its stack.</summary>
    public const int MaxDepth = 50;

    private readonly ConditionNode _root;

    private Condition(string text, ConditionNode root)
    {
        Text = text;
        _root = root;
    }

    public string Text { get; }

    /// <summary>The condition, or null with every error found (each with its 0-based offset in <paramref name="text"/>).</summary>
    /// <param name="baseline">Whether <c>canary</c> and <c>stable</c> may be read (a baseline comparison); without it,
    /// naming them is an error.</param>
    public static Condition? Parse(string text, bool baseline, out IReadOnlyList<ConditionError> errors)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxLength)
        {
            errors = [new ConditionError(MaxLength, $"the condition is {text.Length} characters long; at most {MaxLength} are allowed")];
            return null;
        }

        var found = new List<ConditionError>();
        var tokens = ConditionLexer.Tokenize(text, found);
        var root = ConditionParser.Parse(text, tokens, baseline, found);
        if (root is not null)
        {
            ConditionChecker.Check(text, root, found);
        }

        // In reading order, whichever pass found them; OrderBy is stable, so errors at one offset keep theirs.
        errors = [.. found.OrderBy(error => error.Offset)];
        return errors.Count == 0 && root is not null ? new Condition(text, root) : null;
    }

    /// <summary>True or false; an error (a type mismatch, a missing value) when it cannot be decided.</summary>
    public ConditionResult Evaluate(ConditionScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return new ConditionEvaluator(Text, scope).Evaluate(_root);
    }

    public override string ToString() => Text;
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
