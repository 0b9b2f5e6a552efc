namespace Slipway.Core.Analysis.Conditions;

/// <summary>The kinds of word a condition is made of. <c>and</c>, <c>or</c> and <c>not</c> are the same tokens as
/// <c>&amp;&amp;</c>, <c>||</c> and <c>!</c>, so that Argo Rollouts' conditions written either way read the same.</summary>
internal enum ConditionTokenKind
{
    End,
    Number,
    String,
    Identifier,
    True,
    False,
    Null,
    Or,
    And,
    Not,
    Plus,
    Minus,
    Star,
    Slash,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Equal,
    NotEqual,
    OpenParen,
    CloseParen,
    OpenBracket,
    CloseBracket,
    Comma,

    /// <summary>Something no token starts with; the lexer has reported it, the parser stops there.</summary>
    Invalid,
}

/// <summary>One token: where it is in the text (for error offsets and sub-expression text) and, for a literal, its
/// value.</summary>
/// <param name="Start">0-based offset of its first character.</param>
/// <param name="End">Offset just past its last character.</param>
/// <param name="Number">A number literal's value.</param>
/// <param name="Value">A string literal's value (escapes resolved) or an identifier's name.</param>
internal readonly record struct ConditionToken(ConditionTokenKind Kind, int Start, int End, double Number = 0, string? Value = null)
{
    /// <summary>How an error message shows what it found: the token as written, or "end of expression".</summary>
    public string Describe(string text) => Kind == ConditionTokenKind.End
        ? "end of expression"
        : $"'{ConditionText.Shorten(text[Start..End])}'";
}
