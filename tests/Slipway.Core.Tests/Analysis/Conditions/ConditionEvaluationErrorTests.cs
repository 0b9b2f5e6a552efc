using Slipway.Core.Analysis;
using static Slipway.Core.Tests.Analysis.Conditions.ConditionKit;

namespace Slipway.Core.Tests.Analysis.Conditions;

/// <summary>
/// When a measurement's value does not fit the condition (an empty vector, a string where a number was expected),
/// the condition is not silently false: it is an error that quotes the sub-expression and the value, so that the
/// measurement shows exactly why it could not be judged.
/// </summary>
public sealed class ConditionEvaluationErrorTests
{
    [Fact]
    public void An_empty_vector_indexed_says_how_many_items_there_were()
    {
        Assert.Equal("result[0] is null (the list has 0 items), not a number", EvaluationError("result[0] >= 0.95", List()));
        Assert.Equal("result[1] is null (the list has 1 item), not a number", EvaluationError("result[1] >= 0.95", List(1)));
        Assert.Equal("result[-1] is null (the index -1 is negative), not a number", EvaluationError("result[-1] < 1", List(1)));
        Assert.Equal("result[0] is null (result is null), not a number", EvaluationError("result[0] < 1", AnalysisValue.Null));
    }

    [Fact]
    public void A_value_of_the_wrong_type_is_named_with_its_value()
    {
        Assert.Equal("result is a string (\"up\"), not a number", EvaluationError("result < 5", S("up")));
        Assert.Equal("result is a string (\"up\"), not a number", EvaluationError("result * 2 < 5", S("up")));
        Assert.Equal("result is a number (3), not a string", EvaluationError("result == 'ok'", N(3)));
        Assert.Equal("result is a string (\"true\"), not a boolean", EvaluationError("result == true", S("true")));
        Assert.Equal("result is a boolean (true), not a number", EvaluationError("-result < 0", B(true)));
        Assert.Equal("result is null, not a number", EvaluationError("result <= 0.01", AnalysisValue.Null));
        Assert.Equal("result is null, not a number", EvaluationError("result == 5", AnalysisValue.Null));
    }

    [Fact]
    public void A_list_where_a_number_was_expected_suggests_an_item()
    {
        Assert.Equal("result is a list ([0.97]), not a number; read an item with result[0]", EvaluationError("result >= 0.95", List(0.97)));
        Assert.Equal("result is a list ([1, 2]), not a number, a string or a boolean", EvaluationError("result == result", List(1, 2)));
    }

    [Fact]
    public void Ordering_strings_is_refused()
    {
        Assert.Equal("result[0] is a string (\"a\"), not a number", EvaluationError("result[0] < result[1]", AnalysisValue.Of([S("a"), S("b")])));
    }

    [Fact]
    public void A_condition_that_is_not_true_or_false_says_what_it_is()
    {
        Assert.Equal("result is a number (0.5), not true or false", EvaluationError("result", N(0.5)));
        Assert.Equal("result is a string (\"ok\"), not true or false", EvaluationError("!result", S("ok")));
        Assert.Equal("result[0] is a number (1), not true or false", EvaluationError("result[0] && true", List(1)));
        Assert.Equal("result is a number (1), not true or false", EvaluationError("false || result", N(1)));
        Assert.Equal("default(result, 0) is a number (0), not true or false", EvaluationError("default(result, 0)", AnalysisValue.Null));
    }

    [Fact]
    public void Indexing_something_that_is_not_a_list_is_refused()
    {
        Assert.Equal("result is a number (5), not a list", EvaluationError("result[0] > 1", N(5)));
        Assert.Equal("result is a string (\"abc\"), not a list", EvaluationError("result[0] == 'a'", S("abc")));
        Assert.Equal("the index result[0] is a number (0.5), not a whole number", EvaluationError("result[result[0]] > 1", List(0.5)));
        Assert.Equal("the index result[0] is a number (NaN), not a whole number", EvaluationError("result[result[0]] > 1", List(double.NaN)));
    }

    [Fact]
    public void Functions_refuse_what_they_cannot_measure()
    {
        Assert.Equal("result is a number (5), not a list or a string", EvaluationError("len(result) > 0", N(5)));
        Assert.Equal("result is a string (\"NaN\"), not a number", EvaluationError("isNaN(result)", S("NaN")));
        Assert.Equal("result is null, not a number", EvaluationError("isNaN(result)", AnalysisValue.Null));
    }

    [Fact]
    public void An_error_inside_default_is_not_hidden_by_the_fallback()
    {
        // default stands in for null and NaN, not for a mistake: indexing a number stays an error.
        Assert.Equal("result is a number (5), not a list", EvaluationError("default(result[0], 0) < 1", N(5)));
    }

    [Fact]
    public void Parentheses_are_quoted_as_written()
    {
        Assert.Equal("(result) is a string (\"x\"), not a number", EvaluationError("(result) + 1 > 0", S("x")));
    }

    [Fact]
    public void A_long_value_is_cut_short_in_the_message()
    {
        var error = EvaluationError("result > 0", List([.. Enumerable.Range(0, 100).Select(i => (double)i)]));
        Assert.StartsWith("result is a list ([0, 1, 2, 3", error);
        Assert.Contains("…), not a number", error);
        Assert.True(error.Length < 150, error);
    }
}
