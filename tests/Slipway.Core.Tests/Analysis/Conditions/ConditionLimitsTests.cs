using System.Text;
using Slipway.Core.Analysis;
using Slipway.Core.Analysis.Conditions;
using static Slipway.Core.Tests.Analysis.Conditions.ConditionKit;

namespace Slipway.Core.Tests.Analysis.Conditions;

/// <summary>Whatever a spec holds, parsing and evaluating a condition is bounded: no stack overflow, no exception.</summary>
public sealed class ConditionLimitsTests
{
    [Fact]
    public void A_condition_of_1000_characters_is_accepted_and_one_more_is_not()
    {
        var longest = "result < 1" + new string(' ', Condition.MaxLength - 10);
        Assert.Equal(1000, longest.Length);
        Parse(longest);

        Assert.Equal(new(1000, "the condition is 1001 characters long; at most 1000 are allowed"), Error(longest + " "));
    }

    [Fact]
    public void Fifty_levels_of_nesting_are_accepted_and_fifty_one_are_not()
    {
        Assert.True(Holds(Nested(50), N(0.5)));

        var error = Error(Nested(51));
        Assert.Equal(50, error.Offset); // the 51st '('
        Assert.Equal("the condition nests more than 50 levels deep (parentheses, brackets, calls and '!' or '-' count)", error.Message);
    }

    [Fact]
    public void Unary_operators_and_brackets_count_as_nesting()
    {
        Assert.True(Holds(new string('!', 50) + "result", B(true)));
        Assert.Equal(50, Error(new string('!', 51) + "result").Offset);
        Assert.Equal(50, Error(new string('-', 51) + "result > 0").Offset);

        var brackets = "result" + string.Concat(Enumerable.Repeat("[result", 51)) + new string(']', 51) + " > 0";
        Assert.Equal(6 + (50 * 7), Error(brackets).Offset);
    }

    [Fact]
    public void A_long_chain_of_operators_is_not_nesting_and_evaluates()
    {
        // 1 + 1 + … is a loop in the parser; its tree is deep, but the length limit bounds it.
        var sum = string.Join("+", Enumerable.Repeat("1", 490)) + "== 490";
        Assert.True(sum.Length <= Condition.MaxLength);
        Assert.True(Holds(sum, N(0)));

        var anyOf = string.Join(" || ", Enumerable.Repeat("result > 1", 70));
        Assert.False(Holds(anyOf, N(0)));
    }

    [Fact]
    public void Random_text_never_throws_and_every_error_points_into_the_text()
    {
        // Fragments of the language and of its mistakes, in random order: a fixed seed makes it repeatable.
        string[] fragments =
        [
            "result", "canary", "stable", "reslt", "len", "isNaN", "default", "foo", "(", ")", "[", "]", ",", "0", "5",
            "0.05", ".5", "1e", "1e-3", "1e999", "'ok'", "\"up", "true", "null", "and", "or", "not", "&&", "||", "!",
            "<", "<=", ">", ">=", "==", "!=", "=", "+", "-", "*", "/", "%", " ", "\\", "#", "≤",
        ];
        var random = new Random(20261123);
        AnalysisValue[] values = [N(0.5), N(double.NaN), B(true), S("ok"), List(), List(1, 2), AnalysisValue.Null];
        var parsed = 0;
        for (var round = 0; round < 20_000; round++)
        {
            var text = new StringBuilder();
            var count = random.Next(1, 14);
            for (var i = 0; i < count; i++)
            {
                text.Append(fragments[random.Next(fragments.Length)]).Append(random.Next(3) == 0 ? " " : "");
            }

            var condition = Condition.Parse(text.ToString(), baseline: random.Next(2) == 0, out var errors);
            Assert.True(condition is null == errors.Count > 0, text.ToString());
            Assert.All(errors, e => Assert.InRange(e.Offset, 0, text.Length));
            Assert.All(errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
            if (condition is null)
            {
                continue;
            }

            parsed++;
            foreach (var value in values)
            {
                var outcome = condition.Evaluate(new ConditionScope(value, value, N(1)));
                Assert.True(outcome.Error is null || !outcome.Value, text.ToString());
            }
        }

        Assert.True(parsed > 50, $"only {parsed} random conditions parsed: the fragments should make some valid ones");
    }

    [Fact]
    public void Random_well_formed_conditions_evaluate_or_explain_why_not_and_never_throw()
    {
        var random = new Random(1123);
        AnalysisValue[] values = [N(0.5), N(-2), N(double.NaN), B(false), S("ok"), List(), List(0.97, 2), AnalysisValue.Null];
        var (decided, failed) = (0, 0);
        for (var round = 0; round < 5_000; round++)
        {
            var text = RandomExpression(random, depth: 0);
            if (text.Length > Condition.MaxLength || Condition.Parse(text, baseline: true, out _) is not { } condition)
            {
                continue;
            }

            foreach (var value in values)
            {
                var outcome = condition.Evaluate(new ConditionScope(value, value, values[random.Next(values.Length)]));
                if (outcome.Error is null)
                {
                    decided++;
                }
                else
                {
                    Assert.False(outcome.Value);
                    Assert.DoesNotContain("Exception", outcome.Error, StringComparison.Ordinal);
                    failed++;
                }
            }
        }

        Assert.True(decided > 1_000 && failed > 1_000, $"decided {decided}, failed {failed}: the generator should produce both");
    }

    private static string RandomExpression(Random random, int depth)
    {
        string[] leaves = ["result", "canary", "stable", "result[0]", "result[1]", "0", "0.5", "-1", "'ok'", "true", "false", "null"];
        if (depth > 4 || random.Next(3) == 0)
        {
            return leaves[random.Next(leaves.Length)];
        }

        string[] binary = ["&&", "||", "<", "<=", ">", ">=", "==", "!=", "+", "-", "*", "/"];
        string Sub() => RandomExpression(random, depth + 1);
        return random.Next(8) switch
        {
            0 => $"!{Sub()}",
            1 => $"({Sub()})",
            2 => $"len({Sub()})",
            3 => $"isNaN({Sub()})",
            4 => $"default({Sub()}, {Sub()})",
            5 => $"({Sub()})[{random.Next(-1, 3)}]",
            _ => $"({Sub()}) {binary[random.Next(binary.Length)]} ({Sub()})",
        };
    }

    private static string Nested(int depth) => new string('(', depth) + "result" + new string(')', depth) + " < 1";
}
