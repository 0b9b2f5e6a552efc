namespace Slipway.Core.Analysis.Conditions;

/// <summary>
/// Finds, when a condition is parsed, the type errors that every measurement would hit: a condition that is a
/// number (<c>len(result)</c>), arithmetic on a string, <c>"a" &lt; "b"</c>, <c>5 == "5"</c>. It knows the types of
/// literals and of what operators and functions give; what <c>result</c>, <c>canary</c>, <c>stable</c> and their
/// items hold is known only when measured, so anything involving them alone passes here and is checked by the
/// evaluator. It never refuses a condition that some measurement could make true or false.
/// </summary>
internal sealed class ConditionChecker
{
    private static readonly IReadOnlyList<(Kinds Kind, string Name)> KindNames =
        [(Kinds.Number, "a number"), (Kinds.String, "a string"), (Kinds.Boolean, "a boolean"), (Kinds.List, "a list"), (Kinds.Null, "null")];

    private readonly string _text;
    private readonly ICollection<ConditionError> _errors;

    private ConditionChecker(string text, ICollection<ConditionError> errors)
    {
        _text = text;
        _errors = errors;
    }

    public static void Check(string text, ConditionNode root, ICollection<ConditionError> errors)
    {
        var checker = new ConditionChecker(text, errors);
        var kinds = checker.Infer(root);
        checker.Expect(root, kinds, Kinds.Boolean, "true or false",
            kinds == Kinds.Number ? $" (compare it, as in '{ConditionText.Of(text, root)} > 0')" : "");
    }

    /// <summary>What a node can be, and the errors of its parts.</summary>
    private Kinds Infer(ConditionNode node)
    {
        switch (node)
        {
            case LiteralNode literal:
                return KindsOf(literal.Value);
            case UnaryNode { Operator: UnaryOperator.Not } negation:
                Expect(negation.Operand, Infer(negation.Operand), Kinds.Boolean, "true or false", "");
                return Kinds.Boolean;
            case UnaryNode minus:
                Expect(minus.Operand, Infer(minus.Operand), Kinds.Number, "a number", "");
                return Kinds.Number;
            case BinaryNode binary:
                return Binary(binary);
            case IndexNode index:
                Expect(index.Target, Infer(index.Target), Kinds.List | Kinds.Null, "a list", "");
                Expect(index.Index, Infer(index.Index), Kinds.Number, "a number", "");
                if (index.Index is LiteralNode { Value: NumberValue { Value: var position } } && position != Math.Floor(position))
                {
                    _errors.Add(new ConditionError(index.Index.Start, $"the index {ConditionText.Of(_text, index.Index)} is not a whole number"));
                }

                return Kinds.Any;
            case CallNode call:
                return Call(call);
            default:
                // A name: known when measured. An invalid node: already reported.
                return Kinds.Any;
        }
    }

    private Kinds Binary(BinaryNode node)
    {
        var left = Infer(node.Left);
        var right = Infer(node.Right);
        switch (node.Operator)
        {
            case BinaryOperator.Or or BinaryOperator.And:
                Expect(node.Left, left, Kinds.Boolean, "true or false", "");
                Expect(node.Right, right, Kinds.Boolean, "true or false", "");
                return Kinds.Boolean;
            case BinaryOperator.Equal or BinaryOperator.NotEqual:
                if (IsNullLiteral(node.Left) || IsNullLiteral(node.Right) || (left & right & Kinds.Comparable) != 0)
                {
                    return Kinds.Boolean;
                }

                // Blame the side that is not a literal: "len(result) == '3'" is about len(result).
                var (blamed, blamedKinds, other) = node.Left is LiteralNode && node.Right is not LiteralNode
                    ? (node.Right, right, left)
                    : (node.Left, left, right);
                var wanted = other & Kinds.Comparable;
                Expect(blamed, blamedKinds, wanted, wanted == 0 ? "a number, a string or a boolean" : Name(wanted), "");
                return Kinds.Boolean;
            case BinaryOperator.Less or BinaryOperator.LessOrEqual or BinaryOperator.Greater or BinaryOperator.GreaterOrEqual:
                Expect(node.Left, left, Kinds.Number, "a number", OrderingHint(left));
                Expect(node.Right, right, Kinds.Number, "a number", OrderingHint(right));
                return Kinds.Boolean;
            default:
                Expect(node.Left, left, Kinds.Number, "a number", "");
                Expect(node.Right, right, Kinds.Number, "a number", "");
                return Kinds.Number;
        }
    }

    private Kinds Call(CallNode call)
    {
        var argument = Infer(call.Arguments[0]);
        switch (call.Function)
        {
            case ConditionFunction.Len:
                Expect(call.Arguments[0], argument, Kinds.List | Kinds.String | Kinds.Null, "a list or a string", "");
                return Kinds.Number;
            case ConditionFunction.IsNaN:
                Expect(call.Arguments[0], argument, Kinds.Number, "a number", "");
                return Kinds.Boolean;
            default:
                var fallback = Infer(call.Arguments[1]);
                return (argument & ~Kinds.Null) | fallback;
        }
    }

    /// <summary>Reports <paramref name="node"/> when it can never be any of <paramref name="wanted"/>.</summary>
    private void Expect(ConditionNode node, Kinds kinds, Kinds wanted, string expected, string hint)
    {
        if ((kinds & wanted) == 0)
        {
            _errors.Add(new ConditionError(node.Start, $"{ConditionText.Of(_text, node)} is {Name(kinds)}, not {expected}{hint}"));
        }
    }

    private static string OrderingHint(Kinds kinds) => kinds switch
    {
        Kinds.String or Kinds.Boolean => " (strings and booleans compare only with == and !=)",
        Kinds.Null => " (compare with null only by == or !=)",
        _ => "",
    };

    private static bool IsNullLiteral(ConditionNode node) => node is LiteralNode { Value: NullValue };

    private static Kinds KindsOf(AnalysisValue value) => value switch
    {
        NumberValue => Kinds.Number,
        BooleanValue => Kinds.Boolean,
        StringValue => Kinds.String,
        ListValue => Kinds.List,
        _ => Kinds.Null,
    };

    private static string Name(Kinds kinds) =>
        string.Join(" or ", KindNames.Where(entry => kinds.HasFlag(entry.Kind)).Select(entry => entry.Name));

    [Flags]
    private enum Kinds
    {
        Number = 1,
        Boolean = 2,
        String = 4,
        List = 8,
        Null = 16,
        Comparable = Number | Boolean | String,
        Any = Number | Boolean | String | List | Null,
    }
}
