using static Slipway.Core.Tests.Analysis.Conditions.ConditionKit;

namespace Slipway.Core.Tests.Analysis.Conditions;

/// <summary>What a user who mistypes a condition sees when the spec is applied: where (0-based offset) and what was
/// expected there.</summary>
public sealed class ConditionParseErrorTests
{
    [Theory]
    [InlineData("result >", 8, "expected an operand after '>', found end of expression")]
    [InlineData("result > 0 &&", 13, "expected an operand after '&&', found end of expression")]
    [InlineData("result > 0 and", 14, "expected an operand after 'and', found end of expression")]
    [InlineData("result > 0 || )", 14, "expected an operand after '||', found ')'")]
    [InlineData("!", 1, "expected an operand after '!', found end of expression")]
    [InlineData("* 2 > 1", 0, "expected an expression, found '*'")]
    [InlineData("+result > 1", 0, "expected an expression, found '+'")]
    [InlineData("() == 1", 1, "expected an expression after '(', found ')'")]
    [InlineData("result[] > 1", 7, "expected an index after '[', found ']'")]
    [InlineData("len(result,) > 1", 11, "expected an argument after ',', found ')'")]
    public void A_missing_operand_says_what_came_before_and_what_came_instead(string text, int offset, string message) =>
        Assert.Equal(new(offset, message), Error(text));

    [Theory]
    [InlineData("(result > 0", 11, "unclosed '(' opened at offset 0: expected ')', found end of expression")]
    [InlineData("len(result > 0", 14, "unclosed '(' opened at offset 3: expected ')', found end of expression")]
    [InlineData("result[0 > 1", 12, "unclosed '[' opened at offset 6: expected ']', found end of expression")]
    [InlineData("(result > 0]", 11, "expected ')' to close the '(' at offset 0, found ']'")]
    [InlineData("result > 0)", 10, "unexpected ')': no '(' is open")]
    [InlineData("result] > 0", 6, "unexpected ']': no '[' is open")]
    [InlineData("result == 'ok", 13, "unclosed string opened at offset 10: expected a closing ', found end of expression")]
    public void An_unclosed_bracket_or_string_names_where_it_was_opened(string text, int offset, string message) =>
        Assert.Equal(new(offset, message), Error(text));

    [Theory]
    [InlineData("result > 0 result", 11, "expected an operator or the end of the expression after 'result > 0', found 'result'")]
    [InlineData("result 5", 7, "expected an operator or the end of the expression after 'result', found '5'")]
    [InlineData("result[0] > 5abc", 13, "expected an operator or the end of the expression after 'result[0] > 5', found 'abc'")]
    public void Something_after_a_complete_expression_is_refused(string text, int offset, string message) =>
        Assert.Equal(new(offset, message), Error(text));

    [Theory]
    [InlineData("result = 5", 7, "unexpected character '=': write '==' to compare")]
    [InlineData("result > 1 & result < 5", 11, "unexpected character '&': write '&&' (or 'and')")]
    [InlineData("result > 1 | result < 5", 11, "unexpected character '|': write '||' (or 'or')")]
    [InlineData("result ≤ 5", 7, "unexpected character '≤': write '<='")]
    [InlineData("result % 2 == 0", 7, "unexpected character '%': a condition has + - * / only")]
    [InlineData("result.value > 1", 6, "unexpected character '.': a condition reads no fields (an http metric's jsonPath picks the value)")]
    [InlineData("result # 1", 7, "unexpected character '#'")]
    [InlineData("result < 1e", 11, "expected the digits of the exponent after '1e', found end of expression")]
    [InlineData("result < 1e999", 9, "the number 1e999 is too large")]
    [InlineData(@"result == 'a\qb'", 12, @"unknown escape '\q' in a string (the escapes are \\, \', \"", \n and \t)")]
    public void A_character_that_is_not_part_of_the_language_is_pointed_at(string text, int offset, string message) =>
        Assert.Equal(new(offset, message), Error(text));

    [Theory]
    [InlineData("0 < result < 5", 11, "comparisons do not chain: write '0 < result && result < 5'")]
    [InlineData("result == 1 == true", 12, "comparisons do not chain: write 'result == 1 && 1 == true'")]
    [InlineData("1 < result <", 11, "comparisons do not chain: write '1 < result && result < …'")]
    public void Comparisons_do_not_chain(string text, int offset, string message) =>
        Assert.Equal(new(offset, message), Error(text));

    [Theory]
    [InlineData("", 0)]
    [InlineData("   ", 0)]
    public void An_empty_condition_is_refused(string text, int offset) =>
        Assert.Equal(new(offset, "the condition is empty: expected an expression such as 'result < 0.05'"), Error(text));

    [Theory]
    [InlineData("reslt > 0", false, "unknown name 'reslt' (did you mean 'result'?); this condition can read result")]
    [InlineData("Result > 0", false, "unknown name 'Result' (did you mean 'result'?); this condition can read result")]
    [InlineData("x > 0", false, "unknown name 'x'; this condition can read result")]
    [InlineData("stabel > 0", true, "unknown name 'stabel' (did you mean 'stable'?); this condition can read result, canary and stable")]
    [InlineData("cannary > 0", true, "unknown name 'cannary' (did you mean 'canary'?); this condition can read result, canary and stable")]
    [InlineData("True", false, "unknown name 'True' (did you mean 'true'?); this condition can read result")]
    [InlineData("result == nul", false, "unknown name 'nul' (did you mean 'null'?); this condition can read result")]
    [InlineData("result == NaN", false, "unknown name 'NaN' (isNaN(x) tells whether x is NaN); this condition can read result")]
    [InlineData("len > 0", false, "'len' is a function: call it, as in len(x)")]
    public void An_unknown_name_says_what_can_be_read(string text, bool baseline, string message)
    {
        var error = Error(text, baseline);
        Assert.Equal(message, error.Message);
        Assert.Equal(text.StartsWith("result == ", StringComparison.Ordinal) ? 10 : 0, error.Offset);
    }

    [Theory]
    [InlineData("foo(result)", 0, "unknown function 'foo'; the functions are len(x), isNaN(x) and default(x, fallback)")]
    [InlineData("isnan(result)", 0, "unknown function 'isnan' (did you mean 'isNaN'?); the functions are len(x), isNaN(x) and default(x, fallback)")]
    [InlineData("!isNan(result)", 1, "unknown function 'isNan' (did you mean 'isNaN'?); the functions are len(x), isNaN(x) and default(x, fallback)")]
    [InlineData("result(0) > 1", 0, "unknown function 'result'; the functions are len(x), isNaN(x) and default(x, fallback)")]
    [InlineData("len() == 0", 0, "len takes 1 argument, as in len(x); found 0")]
    [InlineData("isNaN(result, 1)", 0, "isNaN takes 1 argument, as in isNaN(x); found 2")]
    [InlineData("default(result) > 1", 0, "default takes 2 arguments, as in default(x, fallback); found 1")]
    public void An_unknown_function_or_a_wrong_number_of_arguments_is_refused(string text, int offset, string message) =>
        Assert.Equal(new(offset, message), Error(text));

    [Theory]
    [InlineData("len(result)", 0, "len(result) is a number, not true or false (compare it, as in 'len(result) > 0')")]
    [InlineData("result * 100", 0, "result * 100 is a number, not true or false (compare it, as in 'result * 100 > 0')")]
    [InlineData("'up'", 0, "'up' is a string, not true or false")]
    [InlineData("result > 0 && 5", 14, "5 is a number, not true or false")]
    [InlineData("!5", 1, "5 is a number, not true or false")]
    [InlineData("result < 'x'", 9, "'x' is a string, not a number (strings and booleans compare only with == and !=)")]
    [InlineData("result > true", 9, "true is a boolean, not a number (strings and booleans compare only with == and !=)")]
    [InlineData("null < 1", 0, "null is null, not a number (compare with null only by == or !=)")]
    [InlineData("5 == '5'", 0, "5 is a number, not a string")]
    [InlineData("len(result) == '3'", 0, "len(result) is a number, not a string")]
    [InlineData("'3' == len(result)", 7, "len(result) is a number, not a string")]
    [InlineData("isNaN(result) == 1", 0, "isNaN(result) is a boolean, not a number")]
    [InlineData("true + 1 > 0", 0, "true is a boolean, not a number")]
    [InlineData("-'a' == 1", 1, "'a' is a string, not a number")]
    [InlineData("result['a'] > 1", 7, "'a' is a string, not a number")]
    [InlineData("result[0.5] > 1", 7, "the index 0.5 is not a whole number")]
    [InlineData("5[0] > 1", 0, "5 is a number, not a list")]
    [InlineData("len(5) > 0", 4, "5 is a number, not a list or a string")]
    [InlineData("isNaN('x')", 6, "'x' is a string, not a number")]
    [InlineData("(result + 1) && true", 0, "(result + 1) is a number, not true or false")]
    public void A_type_error_every_measurement_would_hit_is_found_at_parse_time(string text, int offset, string message) =>
        Assert.Equal(new(offset, message), Error(text));

    [Fact]
    public void Ordering_two_strings_names_both()
    {
        var errors = Errors("'a' < 'b'");
        Assert.Equal([0, 6], errors.Select(e => e.Offset));
        Assert.All(errors, e => Assert.EndsWith("is a string, not a number (strings and booleans compare only with == and !=)", e.Message));
    }

    [Fact]
    public void Every_unknown_name_and_function_is_reported_in_one_pass()
    {
        var errors = Errors("reslt > 0 && canary < 1 || foo(result) && len(1, 2) > 0");
        Assert.Equal([0, 13, 27, 42], errors.Select(e => e.Offset));
        Assert.StartsWith("unknown name 'reslt'", errors[0].Message);
        Assert.StartsWith("'canary' can be read only", errors[1].Message);
        Assert.StartsWith("unknown function 'foo'", errors[2].Message);
        Assert.StartsWith("len takes 1 argument", errors[3].Message);
    }

    [Fact]
    public void Every_bad_character_is_reported_with_the_first_syntax_error()
    {
        var errors = Errors("result = 5 # 2");
        Assert.Equal([7, 11], errors.Select(e => e.Offset));
    }

    [Fact]
    public void A_name_error_before_a_syntax_error_is_reported_too()
    {
        var errors = Errors("reslt > (1");
        Assert.Equal([0, 10], errors.Select(e => e.Offset));
        Assert.StartsWith("unclosed '('", errors[1].Message);
    }

    [Fact]
    public void Names_are_refused_even_where_a_type_error_would_follow()
    {
        // reslt is unknown; the checker does not pile a type error on top of it.
        Assert.StartsWith("unknown name", Error("reslt + 1 > 0").Message);
    }
}
