using static Slipway.Core.Tests.Spec.SpecParserErrorTests;
using static Slipway.Core.Tests.Spec.SpecTestFiles;

namespace Slipway.Core.Tests.Spec;

/// <summary>
/// A condition that does not parse is refused when applied, at its file, line and column — the column of the
/// offending character when the condition is written on one line — with its column within the condition.
/// </summary>
public sealed class AnalysisConditionErrorTests
{
    [Fact]
    public void A_syntax_error_in_a_plain_condition_points_at_its_character()
    {
        var error = SingleError(Metric("successCondition: result <= 0.05 &&"));

        AssertError(error, 9, 42, "spec.metrics[0].successCondition", "after '&&'");
        Assert.EndsWith("(column 18 of the condition)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("'result <= 0.05 &&'", 43)]
    [InlineData("\"result <= 0.05 &&\"", 43)]
    public void A_quote_is_counted_before_the_condition(string condition, int column)
    {
        var error = SingleError(Metric("successCondition: " + condition));

        AssertError(error, 9, column, "spec.metrics[0].successCondition", "(column 18 of the condition)");
    }

    [Fact]
    public void Where_the_text_is_not_the_value_character_for_character_the_value_is_pointed_at()
    {
        var escaped = SingleError(Metric("successCondition: \"result == \\\"up\\\" &&\""));
        var block = SingleError(Metric("successCondition: |\n        result <= 0.05 &&"));

        AssertError(escaped, 9, 25, "spec.metrics[0].successCondition", "(column 18 of the condition)");
        AssertError(block, 9, 25, "spec.metrics[0].successCondition", "(column 18 of the condition)");
    }

    [Fact]
    public void Every_error_of_every_condition_is_reported()
    {
        var errors = Errors(Metric("successCondition: foo < 1 && bar > 2\n      failureCondition: result >"));

        Assert.Collection(
            errors,
            e => AssertError(e, 9, 25, "spec.metrics[0].successCondition", "unknown name 'foo'"),
            e => AssertError(e, 9, 36, "spec.metrics[0].successCondition", "unknown name 'bar'"),
            e => AssertError(e, 10, 33, "spec.metrics[0].failureCondition", "(column 9 of the condition)"));
    }

    [Fact]
    public void Canary_and_stable_can_be_read_only_by_a_router_metric_with_a_baseline()
    {
        var without = Errors(Metric("successCondition: canary <= stable * 1.2"));
        var with = Parse(Metric("successCondition: canary <= stable * 1.2").Replace("{measure: p99}", "{measure: p99, baseline: true}", StringComparison.Ordinal));

        Assert.Collection(
            without,
            e => AssertError(e, 9, 25, "spec.metrics[0].successCondition", "'canary' can be read only in a baseline comparison"),
            e => AssertError(e, 9, 35, "spec.metrics[0].successCondition", "'stable' can be read only in a baseline comparison"));
        Assert.True(with.IsValid, string.Join("\n", with.Errors));
    }

    [Fact]
    public void A_placeholder_in_a_condition_is_refused_and_says_why()
    {
        var error = SingleError(Metric("successCondition: result < {{args.max}}").Replace("metrics:", "args: [{name: max, value: '0.05'}]\n  metrics:", StringComparison.Ordinal));

        AssertError(error, 10, 34, "spec.metrics[0].successCondition", "a condition cannot use placeholders such as '{{args.NAME}}' (column 10 of the condition): it is checked when applied, before arguments have values; write the value itself");
    }

    [Fact]
    public void An_inline_metric_of_an_application_is_checked_the_same_way()
    {
        var error = SingleError(Minimal + "\n  strategy: {canary: {steps: [{analysis: {metrics: [{name: m, successCondition: 'result <', provider: {router: {measure: p50}}}]}}]}}\n");

        AssertError(error, 9, 90, "spec.strategy.canary.steps[0].analysis.metrics[0].successCondition", "(column 9 of the condition)");
    }

    /// <summary>A template whose metric's last fields (<paramref name="conditions"/>) start on line 9, column 7.</summary>
    private static string Metric(string conditions) => $"""
        apiVersion: slipway.dev/v1alpha1
        kind: AnalysisTemplate
        metadata: {"{name: t}"}
        spec:
          metrics:
            - name: m
              provider: {"{router: {measure: p99}}"}
              dryRun: false
              {conditions}
        """;
}
