namespace Slipway.Core.Analysis.Conditions;

/// <summary>
/// A node of a parsed condition. Each knows its span in the text (<see cref="Start"/> to <see cref="End"/>, a
/// parenthesised node including its parentheses), so that an error can quote the very sub-expression it is about:
/// "result[0] is null (the list has 0 items)".
/// </summary>
internal abstract record ConditionNode(int Start, int End);

/// <summary><c>0.05</c>, <c>'ok'</c>, <c>true</c>, <c>null</c>.</summary>
internal sealed record LiteralNode(int Start, int End, AnalysisValue Value) : ConditionNode(Start, End);

/// <summary><c>result</c>, <c>canary</c> or <c>stable</c>.</summary>
internal sealed record NameNode(int Start, int End, string Name) : ConditionNode(Start, End);

/// <summary><c>!x</c> (or <c>not x</c>) and <c>-x</c>.</summary>
internal sealed record UnaryNode(int Start, int End, UnaryOperator Operator, ConditionNode Operand) : ConditionNode(Start, End);

/// <summary><c>a || b</c>, <c>a &amp;&amp; b</c>, the comparisons and the arithmetic.</summary>
internal sealed record BinaryNode(int Start, int End, BinaryOperator Operator, ConditionNode Left, ConditionNode Right) : ConditionNode(Start, End);

/// <summary><c>result[0]</c>.</summary>
internal sealed record IndexNode(int Start, int End, ConditionNode Target, ConditionNode Index) : ConditionNode(Start, End);

/// <summary><c>len(x)</c>, <c>isNaN(x)</c>, <c>default(x, fallback)</c>.</summary>
internal sealed record CallNode(int Start, int End, ConditionFunction Function, IReadOnlyList<ConditionNode> Arguments) : ConditionNode(Start, End);

internal enum UnaryOperator
{
    Not,
    Negate,
}

internal enum BinaryOperator
{
    Or,
    And,
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Add,
    Subtract,
    Multiply,
    Divide,
}

/// <summary>A piece already reported as a parse error (an unknown name or function), kept so that parsing and
/// checking go on and report the other errors too. A condition with one never evaluates.</summary>
internal sealed record InvalidNode(int Start, int End) : ConditionNode(Start, End);
