using System.Diagnostics;
using System.Globalization;

namespace Slipway.Core.Analysis.Conditions;

/// <summary>
/// Evaluates a parsed condition over one measurement's values. Failures are values (<see cref="Evaluated.Error"/>),
/// not exceptions: a condition that cannot be decided (a type mismatch, a missing item) is a measurement Error, an
/// ordinary outcome that counts against <c>consecutiveErrorLimit</c>. Every message quotes the sub-expression it is
/// about and the value it had: "result[0] is null (the list has 0 items), not a number".
/// <c>&amp;&amp;</c>, <c>||</c> and <c>default</c> evaluate their right side only when needed, so that
/// <c>len(result) == 0 || result[0] &lt; 5</c> holds for an empty list.
/// </summary>
internal sealed class ConditionEvaluator
{
    private readonly string _text;
    private readonly ConditionScope _scope;

    public ConditionEvaluator(string text, ConditionScope scope)
    {
        _text = text;
        _scope = scope;
    }

    public ConditionResult Evaluate(ConditionNode root)
    {
        var evaluated = Eval(root);
        return evaluated switch
        {
            { Error: { } error } => ConditionResult.Failed(error),
            { Value: BooleanValue boolean } => ConditionResult.Of(boolean.Value),
            _ => ConditionResult.Failed(Mismatch(root, evaluated, "true or false")),
        };
    }

    private Evaluated Eval(ConditionNode node) => node switch
    {
        LiteralNode literal => Evaluated.Of(literal.Value),
        NameNode name => Name(name),
        UnaryNode unary => Unary(unary),
        BinaryNode binary => Binary(binary),
        IndexNode index => Index(index),
        CallNode call => Call(call),
        _ => throw new UnreachableException($"a condition with {node.GetType().Name} was parsed without errors"),
    };

    private Evaluated Name(NameNode node) => node.Name switch
    {
        "canary" => _scope.Canary is { } canary ? Evaluated.Of(canary) : Evaluated.Fail(NoBaseline("canary")),
        "stable" => _scope.Stable is { } stable ? Evaluated.Of(stable) : Evaluated.Fail(NoBaseline("stable")),
        _ => Evaluated.Of(_scope.Result),
    };

    private Evaluated Unary(UnaryNode node)
    {
        var operand = Eval(node.Operand);
        return (node.Operator, operand) switch
        {
            (_, { Error: not null }) => operand,
            (UnaryOperator.Not, { Value: BooleanValue boolean }) => Evaluated.Of(AnalysisValue.Of(!boolean.Value)),
            (UnaryOperator.Not, _) => Evaluated.Fail(Mismatch(node.Operand, operand, "true or false")),
            (_, { Value: NumberValue number }) => Evaluated.Of(AnalysisValue.Of(-number.Value)),
            _ => Evaluated.Fail(Mismatch(node.Operand, operand, "a number")),
        };
    }

    private Evaluated Binary(BinaryNode node)
    {
        switch (node.Operator)
        {
            case BinaryOperator.Or or BinaryOperator.And:
                return Logical(node);
            case BinaryOperator.Equal or BinaryOperator.NotEqual:
                return Equality(node);
        }

        var left = Eval(node.Left);
        if (left.Error is not null)
        {
            return left;
        }

        if (left.Value is not NumberValue { Value: var a })
        {
            return Evaluated.Fail(Mismatch(node.Left, left, "a number"));
        }

        var right = Eval(node.Right);
        if (right.Error is not null)
        {
            return right;
        }

        if (right.Value is not NumberValue { Value: var b })
        {
            return Evaluated.Fail(Mismatch(node.Right, right, "a number"));
        }

        // IEEE 754 throughout: any ordering with NaN is false; x / 0 is an infinity, 0 / 0 is NaN.
        return Evaluated.Of(node.Operator switch
        {
            BinaryOperator.Less => AnalysisValue.Of(a < b),
            BinaryOperator.LessOrEqual => AnalysisValue.Of(a <= b),
            BinaryOperator.Greater => AnalysisValue.Of(a > b),
            BinaryOperator.GreaterOrEqual => AnalysisValue.Of(a >= b),
            BinaryOperator.Add => AnalysisValue.Of(a + b),
            BinaryOperator.Subtract => AnalysisValue.Of(a - b),
            BinaryOperator.Multiply => AnalysisValue.Of(a * b),
            _ => AnalysisValue.Of(a / b),
        });
    }

    private Evaluated Logical(BinaryNode node)
    {
        var left = Eval(node.Left);
        if (left.Error is not null)
        {
            return left;
        }

        if (left.Value is not BooleanValue { Value: var decided })
        {
            return Evaluated.Fail(Mismatch(node.Left, left, "true or false"));
        }

        // Short circuit: true || x and false && x are decided without x.
        if (decided == (node.Operator == BinaryOperator.Or))
        {
            return left;
        }

        var right = Eval(node.Right);
        return right.Error is not null || right.Value is BooleanValue
            ? right
            : Evaluated.Fail(Mismatch(node.Right, right, "true or false"));
    }

    /// <summary>
    /// <c>==</c> and <c>!=</c>: numbers (IEEE: NaN equals nothing), strings (ordinal), booleans. <c>x == null</c> tests
    /// for null whatever x is; otherwise null, a list or two different types cannot be compared: the condition would
    /// silently be false for the wrong reason, so it is an error.
    /// </summary>
    private Evaluated Equality(BinaryNode node)
    {
        var equal = node.Operator == BinaryOperator.Equal;
        if (IsNullLiteral(node.Left) || IsNullLiteral(node.Right))
        {
            var tested = Eval(IsNullLiteral(node.Left) ? node.Right : node.Left);
            return tested.Error is not null ? tested : Evaluated.Of(AnalysisValue.Of((tested.Value is NullValue) == equal));
        }

        var left = Eval(node.Left);
        if (left.Error is not null)
        {
            return left;
        }

        var right = Eval(node.Right);
        if (right.Error is not null)
        {
            return right;
        }

        bool? same = (left.Value, right.Value) switch
        {
            (NumberValue a, NumberValue b) => a.Value == b.Value,
            (StringValue a, StringValue b) => string.Equals(a.Value, b.Value, StringComparison.Ordinal),
            (BooleanValue a, BooleanValue b) => a.Value == b.Value,
            _ => null,
        };
        if (same is { } decided)
        {
            return Evaluated.Of(AnalysisValue.Of(decided == equal));
        }

        // Blame the side that cannot be compared, else the side that is not a literal ("result == 'ok'" is about result).
        var leftComparable = KindName(left.Value) is not null;
        var rightComparable = KindName(right.Value) is not null;
        var blameRight = leftComparable && (!rightComparable || (node.Left is LiteralNode && node.Right is not LiteralNode));
        var (blamed, value, other) = blameRight ? (node.Right, right, left) : (node.Left, left, right);
        return Evaluated.Fail(Mismatch(blamed, value, KindName(other.Value) ?? "a number, a string or a boolean"));
    }

    private Evaluated Index(IndexNode node)
    {
        var target = Eval(node.Target);
        if (target.Error is not null)
        {
            return target;
        }

        if (target.Value is NullValue)
        {
            // Nothing has no items: default(result[0], 0) reads 0 whether the provider answered [] or nothing.
            return Evaluated.Of(AnalysisValue.Null, $"{ConditionText.Of(_text, node.Target)} is null");
        }

        if (target.Value is not ListValue list)
        {
            return Evaluated.Fail(Mismatch(node.Target, target, "a list"));
        }

        var index = Eval(node.Index);
        if (index.Error is not null)
        {
            return index;
        }

        if (index.Value is not NumberValue { Value: var position })
        {
            return Evaluated.Fail(Mismatch(node.Index, index, "a number"));
        }

        if (double.IsNaN(position) || position != Math.Floor(position))
        {
            return Evaluated.Fail($"the index {ConditionText.Of(_text, node.Index)} is {Describe(index)}, not a whole number");
        }

        if (position < 0)
        {
            return Evaluated.Of(AnalysisValue.Null, $"the index {Format(position)} is negative");
        }

        var count = list.Items.Count;
        return position < count
            ? Evaluated.Of(list.Items[(int)position])
            : Evaluated.Of(AnalysisValue.Null, count == 1 ? "the list has 1 item" : $"the list has {count} items");
    }

    private Evaluated Call(CallNode node)
    {
        var argument = Eval(node.Arguments[0]);
        if (argument.Error is not null)
        {
            return argument;
        }

        switch (node.Function)
        {
            case ConditionFunction.Len:
                return argument.Value switch
                {
                    ListValue list => Evaluated.Of(AnalysisValue.Of(list.Items.Count)),
                    StringValue text => Evaluated.Of(AnalysisValue.Of(new StringInfo(text.Value).LengthInTextElements)),
                    NullValue => Evaluated.Of(AnalysisValue.Of(0)),
                    _ => Evaluated.Fail(Mismatch(node.Arguments[0], argument, "a list or a string")),
                };
            case ConditionFunction.IsNaN:
                return argument.Value is NumberValue number
                    ? Evaluated.Of(AnalysisValue.Of(double.IsNaN(number.Value)))
                    : Evaluated.Fail(Mismatch(node.Arguments[0], argument, "a number"));
            default:
                return argument.Value is NullValue or NumberValue { Value: double.NaN } ? Eval(node.Arguments[1]) : argument;
        }
    }

    /// <summary>"result is a string ("up"), not a number", with a hint where one helps.</summary>
    private string Mismatch(ConditionNode node, Evaluated evaluated, string expected)
    {
        var text = ConditionText.Of(_text, node);
        var hint = evaluated.Value is ListValue && expected is "a number" or "true or false" ? $"; read an item with {text}[0]" : "";
        return $"{text} is {Describe(evaluated)}, not {expected}{hint}";
    }

    private static string Describe(Evaluated evaluated) => evaluated.Value switch
    {
        NumberValue => $"a number ({Shown(evaluated.Value)})",
        StringValue => $"a string ({Shown(evaluated.Value)})",
        BooleanValue => $"a boolean ({Shown(evaluated.Value)})",
        ListValue => $"a list ({Shown(evaluated.Value)})",
        _ => evaluated.NullNote is { } note ? $"null ({note})" : "null",
    };

    private static string Shown(AnalysisValue value) => ConditionText.Shorten(value.ToString());

    private static string? KindName(AnalysisValue value) => value switch
    {
        NumberValue => "a number",
        StringValue => "a string",
        BooleanValue => "a boolean",
        _ => null,
    };

    private static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    private static bool IsNullLiteral(ConditionNode node) => node is LiteralNode { Value: NullValue };

    private static string NoBaseline(string name) =>
        $"{name} has no value: this measurement is not a baseline comparison";

    /// <summary>A value, or why there is none. <see cref="NullNote"/> says why a value is null (an index past the end),
    /// for the message of whatever then refuses the null.</summary>
    private readonly record struct Evaluated(AnalysisValue Value, string? Error, string? NullNote)
    {
        public static Evaluated Of(AnalysisValue value, string? nullNote = null) => new(value, null, nullNote);

        public static Evaluated Fail(string error) => new(AnalysisValue.Null, error, null);
    }
}
