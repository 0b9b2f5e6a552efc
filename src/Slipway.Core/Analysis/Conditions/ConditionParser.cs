using Slipway.Core.Spec.Parsing;

namespace Slipway.Core.Analysis.Conditions;

/// <summary>
/// Builds a condition's tree from its tokens by recursive descent, one function per precedence level, loosest first:
/// <code>
/// condition  := or
/// or         := and (("||" | "or") and)*
/// and        := comparison (("&amp;&amp;" | "and") comparison)*
/// comparison := additive (("&lt;" | "&lt;=" | "&gt;" | "&gt;=" | "==" | "!=") additive)?     not associative
/// additive   := multiplicative (("+" | "-") multiplicative)*
/// multiplicative := unary (("*" | "/") unary)*
/// unary      := ("!" | "not" | "-") unary | postfix
/// postfix    := primary ("[" or "]")*
/// primary    := number | string | "true" | "false" | "null" | name | function "(" arguments? ")" | "(" or ")"
/// </code>
/// Operator chains are loops, so only nesting recurses, and nesting is bounded by <see cref="Condition.MaxDepth"/>:
/// no text can exhaust the stack. A syntax error (an unexpected token) ends the parse: what follows it cannot be read
/// reliably. An unknown name or function, or a wrong number of arguments, is reported and parsing goes on, so that
/// one pass reports them all.
/// </summary>
internal sealed class ConditionParser
{
    private readonly string _text;
    private readonly IReadOnlyList<ConditionToken> _tokens;
    private readonly bool _baseline;
    private readonly ICollection<ConditionError> _errors;
    private int _position;
    private int _depth;

    private ConditionParser(string text, IReadOnlyList<ConditionToken> tokens, bool baseline, ICollection<ConditionError> errors)
    {
        _text = text;
        _tokens = tokens;
        _baseline = baseline;
        _errors = errors;
    }

    /// <summary>The tree, or null after a syntax error (reported in <paramref name="errors"/>); a tree may come with
    /// errors too (unknown names, as <see cref="InvalidNode"/>s).</summary>
    public static ConditionNode? Parse(string text, IReadOnlyList<ConditionToken> tokens, bool baseline, ICollection<ConditionError> errors)
    {
        var parser = new ConditionParser(text, tokens, baseline, errors);
        if (parser.Current.Kind == ConditionTokenKind.End)
        {
            errors.Add(new ConditionError(0, "the condition is empty: expected an expression such as 'result < 0.05'"));
            return null;
        }

        var root = parser.Operand(parser.ParseOr, "an expression", after: null);
        return root is null ? null : parser.ExpectEnd(root);
    }

    private ConditionToken Current => _tokens[_position];

    private ConditionToken Advance() => _tokens[_position++];

    private ConditionNode? ExpectEnd(ConditionNode root) => Current.Kind switch
    {
        ConditionTokenKind.End => root,
        ConditionTokenKind.CloseParen => Fail("unexpected ')': no '(' is open"),
        ConditionTokenKind.CloseBracket => Fail("unexpected ']': no '[' is open"),
        _ => Fail($"expected an operator or the end of the expression after '{ConditionText.Of(_text, root)}', found {Found}"),
    };

    private ConditionNode? ParseOr() => ParseLeftAssociative(ParseAnd, static kind => kind == ConditionTokenKind.Or ? BinaryOperator.Or : null);

    private ConditionNode? ParseAnd() => ParseLeftAssociative(ParseComparison, static kind => kind == ConditionTokenKind.And ? BinaryOperator.And : null);

    private ConditionNode? ParseComparison()
    {
        var left = ParseAdditive();
        if (left is null || ComparisonOf(Current.Kind) is not { } comparison)
        {
            return left;
        }

        var written = Advance();
        var right = Operand(ParseAdditive, "an operand", written);
        if (right is null)
        {
            return null;
        }

        if (ComparisonOf(Current.Kind) is null)
        {
            return new BinaryNode(left.Start, right.End, comparison, left, right);
        }

        // a < b < c: in most languages it compares a boolean with c, which is never what was meant. Say what was.
        var second = Advance();
        var third = StartsOperand(Current.Kind) ? ParseAdditive() : null;
        var (a, b, c) = (ConditionText.Of(_text, left), ConditionText.Of(_text, right), third is null ? "…" : ConditionText.Of(_text, third));
        _errors.Add(new ConditionError(second.Start,
            $"comparisons do not chain: write '{a} {Written(written)} {b} && {b} {Written(second)} {c}'"));
        return null;
    }

    private ConditionNode? ParseAdditive() => ParseLeftAssociative(ParseMultiplicative, static kind => kind switch
    {
        ConditionTokenKind.Plus => BinaryOperator.Add,
        ConditionTokenKind.Minus => BinaryOperator.Subtract,
        _ => null,
    });

    private ConditionNode? ParseMultiplicative() => ParseLeftAssociative(ParseUnary, static kind => kind switch
    {
        ConditionTokenKind.Star => BinaryOperator.Multiply,
        ConditionTokenKind.Slash => BinaryOperator.Divide,
        _ => null,
    });

    private ConditionNode? ParseLeftAssociative(Func<ConditionNode?> operand, Func<ConditionTokenKind, BinaryOperator?> operatorOf)
    {
        var left = operand();
        while (left is not null && operatorOf(Current.Kind) is { } binary)
        {
            var written = Advance();
            var right = Operand(operand, "an operand", written);
            if (right is null)
            {
                return null;
            }

            left = new BinaryNode(left.Start, right.End, binary, left, right);
        }

        return left;
    }

    private ConditionNode? ParseUnary()
    {
        var unary = Current.Kind switch
        {
            ConditionTokenKind.Not => UnaryOperator.Not,
            ConditionTokenKind.Minus => UnaryOperator.Negate,
            _ => (UnaryOperator?)null,
        };
        if (unary is null)
        {
            return ParsePostfix();
        }

        var written = Advance();
        if (!Enter(written))
        {
            return null;
        }

        var operand = Operand(ParseUnary, "an operand", written);
        _depth--;
        return operand switch
        {
            null => null,
            // -5 is the number -5, so that messages and checks see a literal, as the user does.
            LiteralNode { Value: NumberValue number } when unary == UnaryOperator.Negate =>
                new LiteralNode(written.Start, operand.End, AnalysisValue.Of(-number.Value)),
            _ => new UnaryNode(written.Start, operand.End, unary.Value, operand),
        };
    }

    private ConditionNode? ParsePostfix()
    {
        var node = ParsePrimary();
        while (node is not null && Current.Kind == ConditionTokenKind.OpenBracket)
        {
            var open = Advance();
            if (!Enter(open))
            {
                return null;
            }

            var index = Operand(ParseOr, "an index", open);
            if (index is null || !Close(open, ConditionTokenKind.CloseBracket, "]", out var close))
            {
                return null;
            }

            node = new IndexNode(node.Start, close.End, node, index);
        }

        return node;
    }

    private ConditionNode? ParsePrimary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case ConditionTokenKind.Number:
                Advance();
                return new LiteralNode(token.Start, token.End, AnalysisValue.Of(token.Number));
            case ConditionTokenKind.String:
                Advance();
                return new LiteralNode(token.Start, token.End, AnalysisValue.Of(token.Value!));
            case ConditionTokenKind.True or ConditionTokenKind.False:
                Advance();
                return new LiteralNode(token.Start, token.End, AnalysisValue.Of(token.Kind == ConditionTokenKind.True));
            case ConditionTokenKind.Null:
                Advance();
                return new LiteralNode(token.Start, token.End, AnalysisValue.Null);
            case ConditionTokenKind.Identifier:
                Advance();
                return Current.Kind == ConditionTokenKind.OpenParen ? ParseCall(token) : Name(token);
            case ConditionTokenKind.OpenParen:
                Advance();
                if (!Enter(token))
                {
                    return null;
                }

                var inner = Operand(ParseOr, "an expression", token);
                if (inner is null || !Close(token, ConditionTokenKind.CloseParen, ")", out var close))
                {
                    return null;
                }

                // The span takes the parentheses in, so that "(a + b) * 2" quotes "(a + b)" and not "a + b) * 2".
                return inner with { Start = token.Start, End = close.End };
            default:
                return Fail($"expected an operand, found {Found}");
        }
    }

    private ConditionNode? ParseCall(ConditionToken name)
    {
        var open = Advance();
        if (!Enter(open))
        {
            return null;
        }

        var function = ConditionFunctions.Find(name.Value!);
        if (function is null)
        {
            var suggestion = FieldSuggestion.Closest(name.Value!, ConditionFunctions.Names);
            _errors.Add(new ConditionError(name.Start,
                $"unknown function '{name.Value}'{DidYouMean(suggestion)}; the functions are {ConditionFunctions.Listing}"));
        }

        var arguments = new List<ConditionNode>();
        if (Current.Kind != ConditionTokenKind.CloseParen)
        {
            var after = open;
            while (true)
            {
                var argument = Operand(ParseOr, "an argument", after);
                if (argument is null)
                {
                    return null;
                }

                arguments.Add(argument);
                if (Current.Kind != ConditionTokenKind.Comma)
                {
                    break;
                }

                after = Advance();
            }
        }

        if (!Close(open, ConditionTokenKind.CloseParen, ")", out var close))
        {
            return null;
        }

        if (function is not { } known)
        {
            return new InvalidNode(name.Start, close.End);
        }

        if (arguments.Count != known.Arity())
        {
            var takes = known.Arity() == 1 ? "1 argument" : $"{known.Arity()} arguments";
            _errors.Add(new ConditionError(name.Start, $"{known.Name()} takes {takes}, as in {known.Signature()}; found {arguments.Count}"));
            return new InvalidNode(name.Start, close.End);
        }

        return new CallNode(name.Start, close.End, known, arguments);
    }

    private ConditionNode Name(ConditionToken token)
    {
        var name = token.Value!;
        switch (name)
        {
            case "result":
            case "canary" or "stable" when _baseline:
                return new NameNode(token.Start, token.End, name);
            case "canary" or "stable":
                _errors.Add(new ConditionError(token.Start,
                    $"'{name}' can be read only in a baseline comparison; this condition can read result"));
                return new InvalidNode(token.Start, token.End);
        }

        if (ConditionFunctions.Find(name) is { } function)
        {
            _errors.Add(new ConditionError(token.Start, $"'{name}' is a function: call it, as in {function.Signature()}"));
            return new InvalidNode(token.Start, token.End);
        }

        string[] names = _baseline ? ["result", "canary", "stable"] : ["result"];
        var suggestion = FieldSuggestion.Closest(name, [.. names, "true", "false", "null", "and", "or", "not"]);
        var hint = name.Equals("NaN", StringComparison.OrdinalIgnoreCase) ? " (isNaN(x) tells whether x is NaN)" : DidYouMean(suggestion);
        var readable = _baseline ? "result, canary and stable" : "result";
        _errors.Add(new ConditionError(token.Start, $"unknown name '{name}'{hint}; this condition can read {readable}"));
        return new InvalidNode(token.Start, token.End);
    }

    /// <summary>Parses an operand where one must be, or says what was expected there and what was found instead.</summary>
    private ConditionNode? Operand(Func<ConditionNode?> parse, string expected, ConditionToken? after) =>
        StartsOperand(Current.Kind)
            ? parse()
            : Fail($"expected {expected}{(after is { } token ? $" after '{Written(token)}'" : "")}, found {Found}");

    private bool Close(ConditionToken open, ConditionTokenKind closing, string closer, out ConditionToken close)
    {
        close = Current;
        if (close.Kind == closing)
        {
            Advance();
            _depth--;
            return true;
        }

        var opener = Written(open);
        Fail(close.Kind == ConditionTokenKind.End
            ? $"unclosed '{opener}' opened at offset {open.Start}: expected '{closer}', found end of expression"
            : $"expected '{closer}' to close the '{opener}' at offset {open.Start}, found {Found}");
        return false;
    }

    private bool Enter(ConditionToken token)
    {
        if (++_depth <= Condition.MaxDepth)
        {
            return true;
        }

        _errors.Add(new ConditionError(token.Start,
            $"the condition nests more than {Condition.MaxDepth} levels deep (parentheses, brackets, calls and '!' or '-' count)"));
        return false;
    }

    /// <summary>Reports a syntax error at the current token, unless the lexer already reported that token.</summary>
    private ConditionNode? Fail(string message)
    {
        if (Current.Kind != ConditionTokenKind.Invalid)
        {
            _errors.Add(new ConditionError(Current.Start, message));
        }

        return null;
    }

    private string Found => Current.Describe(_text);

    private string Written(ConditionToken token) => _text[token.Start..token.End];

    private static string DidYouMean(string? suggestion) => suggestion is null ? "" : $" (did you mean '{suggestion}'?)";

    private static bool StartsOperand(ConditionTokenKind kind) => kind is ConditionTokenKind.Number or ConditionTokenKind.String
        or ConditionTokenKind.Identifier or ConditionTokenKind.True or ConditionTokenKind.False or ConditionTokenKind.Null
        or ConditionTokenKind.Not or ConditionTokenKind.Minus or ConditionTokenKind.OpenParen;

    private static BinaryOperator? ComparisonOf(ConditionTokenKind kind) => kind switch
    {
        ConditionTokenKind.Less => BinaryOperator.Less,
        ConditionTokenKind.LessOrEqual => BinaryOperator.LessOrEqual,
        ConditionTokenKind.Greater => BinaryOperator.Greater,
        ConditionTokenKind.GreaterOrEqual => BinaryOperator.GreaterOrEqual,
        ConditionTokenKind.Equal => BinaryOperator.Equal,
        ConditionTokenKind.NotEqual => BinaryOperator.NotEqual,
        _ => null,
    };
}
