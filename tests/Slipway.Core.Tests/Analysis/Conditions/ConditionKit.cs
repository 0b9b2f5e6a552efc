using Slipway.Core.Analysis;
using Slipway.Core.Analysis.Conditions;

namespace Slipway.Core.Tests.Analysis.Conditions;

/// <summary>Shorthands that let each test read as what a user writes and what they get.</summary>
internal static class ConditionKit
{
    public static AnalysisValue N(double value) => AnalysisValue.Of(value);

    public static AnalysisValue S(string value) => AnalysisValue.Of(value);

    public static AnalysisValue B(bool value) => AnalysisValue.Of(value);

    public static AnalysisValue List(params double[] values) => AnalysisValue.Of(values.Select(N));

    public static Condition Parse(string text, bool baseline = false)
    {
        var condition = Condition.Parse(text, baseline, out var errors);
        Assert.True(condition is not null, $"'{text}' should parse, got: {string.Join("; ", errors.Select(e => $"{e.Offset}: {e.Message}"))}");
        Assert.Empty(errors);
        return condition;
    }

    /// <summary>What the condition says about <paramref name="result"/>; fails the test on an evaluation error.</summary>
    public static bool Holds(string text, AnalysisValue result)
    {
        var outcome = Parse(text).Evaluate(new ConditionScope(result));
        Assert.True(outcome.Error is null, $"'{text}' over {result} should evaluate, got: {outcome.Error}");
        return outcome.Value;
    }

    public static bool Holds(string text, AnalysisValue canary, AnalysisValue stable)
    {
        var outcome = Parse(text, baseline: true).Evaluate(new ConditionScope(canary, canary, stable));
        Assert.True(outcome.Error is null, $"'{text}' over canary {canary}, stable {stable} should evaluate, got: {outcome.Error}");
        return outcome.Value;
    }

    /// <summary>The evaluation error's message; fails the test when the condition decided.</summary>
    public static string EvaluationError(string text, AnalysisValue result)
    {
        var outcome = Parse(text).Evaluate(new ConditionScope(result));
        Assert.True(outcome.Error is not null, $"'{text}' over {result} should fail to evaluate, got {outcome.Value}");
        Assert.False(outcome.Value);
        return outcome.Error;
    }

    public static IReadOnlyList<ConditionError> Errors(string text, bool baseline = false)
    {
        var condition = Condition.Parse(text, baseline, out var errors);
        Assert.Null(condition);
        Assert.NotEmpty(errors);
        return errors;
    }

    /// <summary>The one parse error of <paramref name="text"/>.</summary>
    public static ConditionError Error(string text, bool baseline = false) => Assert.Single(Errors(text, baseline));
}
