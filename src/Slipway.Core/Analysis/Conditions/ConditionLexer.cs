using System.Globalization;
using System.Text;

namespace Slipway.Core.Analysis.Conditions;

/// <summary>
/// Splits a condition into tokens in one forward pass, with no backtracking and no regular expression, so that its
/// cost is linear in the text (which <see cref="Condition"/> bounds anyway). Every character it cannot read is
/// reported, each with its offset, and becomes an <see cref="ConditionTokenKind.Invalid"/> token at which the parser
/// stops without repeating the complaint.
/// </summary>
internal static class ConditionLexer
{
    /// <summary>The tokens, always ending with <see cref="ConditionTokenKind.End"/>.</summary>
    public static IReadOnlyList<ConditionToken> Tokenize(string text, ICollection<ConditionError> errors)
    {
        var tokens = new List<ConditionToken>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            var start = i;
            var token = c switch
            {
                _ when char.IsAsciiDigit(c) || (c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])) => ReadNumber(text, ref i, errors),
                _ when char.IsAsciiLetter(c) || c == '_' => ReadWord(text, ref i),
                '"' or '\'' => ReadString(text, ref i, errors),
                _ => ReadOperator(text, ref i, errors),
            };
            tokens.Add(token with { Start = start, End = i });
        }

        tokens.Add(new ConditionToken(ConditionTokenKind.End, text.Length, text.Length));
        return tokens;
    }

    private static ConditionToken ReadNumber(string text, ref int i, ICollection<ConditionError> errors)
    {
        var start = i;
        SkipDigits(text, ref i);
        if (i < text.Length && text[i] == '.')
        {
            i++;
            SkipDigits(text, ref i);
        }

        if (i < text.Length && text[i] is 'e' or 'E')
        {
            i++;
            if (i < text.Length && text[i] is '+' or '-')
            {
                i++;
            }

            if (i >= text.Length || !char.IsAsciiDigit(text[i]))
            {
                errors.Add(new ConditionError(i, $"expected the digits of the exponent after '{text[start..i]}', found {Found(text, i)}"));
                return new ConditionToken(ConditionTokenKind.Invalid, start, i);
            }

            SkipDigits(text, ref i);
        }

        // The characters are digits, one '.', and an exponent: always a valid invariant double, or an infinity.
        var value = double.Parse(text.AsSpan(start, i - start), NumberStyles.Float, CultureInfo.InvariantCulture);
        if (double.IsInfinity(value))
        {
            errors.Add(new ConditionError(start, $"the number {ConditionText.Shorten(text[start..i])} is too large"));
            return new ConditionToken(ConditionTokenKind.Invalid, start, i);
        }

        return new ConditionToken(ConditionTokenKind.Number, start, i, Number: value);
    }

    private static void SkipDigits(string text, ref int i)
    {
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }
    }

    private static ConditionToken ReadWord(string text, ref int i)
    {
        var start = i;
        while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
        {
            i++;
        }

        var word = text[start..i];
        var kind = word switch
        {
            "true" => ConditionTokenKind.True,
            "false" => ConditionTokenKind.False,
            "null" => ConditionTokenKind.Null,
            "and" => ConditionTokenKind.And,
            "or" => ConditionTokenKind.Or,
            "not" => ConditionTokenKind.Not,
            _ => ConditionTokenKind.Identifier,
        };
        return new ConditionToken(kind, start, i, Value: word);
    }

    private static ConditionToken ReadString(string text, ref int i, ICollection<ConditionError> errors)
    {
        var start = i;
        var quote = text[i++];
        var value = new StringBuilder();
        while (i < text.Length && text[i] != quote)
        {
            if (text[i] != '\\')
            {
                value.Append(text[i++]);
                continue;
            }

            var escaped = i + 1 < text.Length ? text[i + 1] : '\0';
            char? resolved = escaped switch
            {
                '\\' or '\'' or '"' => escaped,
                'n' => '\n',
                't' => '\t',
                _ => null,
            };
            if (resolved is null)
            {
                var shown = i + 1 < text.Length ? $"'\\{escaped}'" : "'\\' at the end";
                errors.Add(new ConditionError(i, $"unknown escape {shown} in a string (the escapes are \\\\, \\', \\\", \\n and \\t)"));
                value.Append('\\');
                i++;
                continue;
            }

            value.Append(resolved.Value);
            i += 2;
        }

        if (i >= text.Length)
        {
            errors.Add(new ConditionError(text.Length, $"unclosed string opened at offset {start}: expected a closing {quote}, found end of expression"));
            return new ConditionToken(ConditionTokenKind.Invalid, start, i);
        }

        i++;
        return new ConditionToken(ConditionTokenKind.String, start, i, Value: value.ToString());
    }

    private static ConditionToken ReadOperator(string text, ref int i, ICollection<ConditionError> errors)
    {
        var c = text[i];
        var next = i + 1 < text.Length ? text[i + 1] : '\0';
        (ConditionTokenKind Kind, int Length) token = (c, next) switch
        {
            ('|', '|') => (ConditionTokenKind.Or, 2),
            ('&', '&') => (ConditionTokenKind.And, 2),
            ('=', '=') => (ConditionTokenKind.Equal, 2),
            ('!', '=') => (ConditionTokenKind.NotEqual, 2),
            ('<', '=') => (ConditionTokenKind.LessOrEqual, 2),
            ('>', '=') => (ConditionTokenKind.GreaterOrEqual, 2),
            ('!', _) => (ConditionTokenKind.Not, 1),
            ('<', _) => (ConditionTokenKind.Less, 1),
            ('>', _) => (ConditionTokenKind.Greater, 1),
            ('+', _) => (ConditionTokenKind.Plus, 1),
            ('-', _) => (ConditionTokenKind.Minus, 1),
            ('*', _) => (ConditionTokenKind.Star, 1),
            ('/', _) => (ConditionTokenKind.Slash, 1),
            ('(', _) => (ConditionTokenKind.OpenParen, 1),
            (')', _) => (ConditionTokenKind.CloseParen, 1),
            ('[', _) => (ConditionTokenKind.OpenBracket, 1),
            (']', _) => (ConditionTokenKind.CloseBracket, 1),
            (',', _) => (ConditionTokenKind.Comma, 1),
            _ => (ConditionTokenKind.Invalid, char.IsSurrogatePair(c, next) ? 2 : 1),
        };
        if (token.Kind == ConditionTokenKind.Invalid)
        {
            var written = text.Substring(i, token.Length);
            errors.Add(new ConditionError(i, $"unexpected character '{written}'{Hint(written)}"));
        }

        var start = i;
        i += token.Length;
        return new ConditionToken(token.Kind, start, i);
    }

    /// <summary>What the user probably meant by a character that is not an operator here.</summary>
    private static string Hint(string written) => written switch
    {
        "=" => ": write '==' to compare",
        "&" => ": write '&&' (or 'and')",
        "|" => ": write '||' (or 'or')",
        "≤" => ": write '<='",
        "≥" => ": write '>='",
        "≠" => ": write '!='",
        "%" => ": a condition has + - * / only",
        "." => ": a condition reads no fields (an http metric's jsonPath picks the value)",
        _ => "",
    };

    private static string Found(string text, int i) =>
        i >= text.Length ? "end of expression" : char.IsWhiteSpace(text[i]) ? "a space" : $"'{text[i]}'";
}
