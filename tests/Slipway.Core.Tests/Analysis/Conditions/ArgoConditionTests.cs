using Slipway.Core.Analysis;
using Slipway.Core.Analysis.Conditions;
using static Slipway.Core.Tests.Analysis.Conditions.ConditionKit;

namespace Slipway.Core.Tests.Analysis.Conditions;

/// <summary>Conditions as Argo Rollouts users already write them, and the baseline comparisons Slipway adds.</summary>
public sealed class ArgoConditionTests
{
    [Fact]
    public void A_prometheus_success_rate_vector_passes_at_95_percent()
    {
        Assert.True(Holds("result[0] >= 0.95", List(0.97)));
        Assert.False(Holds("result[0] >= 0.95", List(0.93)));
    }

    [Fact]
    public void An_empty_vector_passes_when_guarded_by_len()
    {
        const string condition = "len(result) == 0 || result[0] < 5";
        Assert.True(Holds(condition, List()));
        Assert.True(Holds(condition, List(4)));
        Assert.False(Holds(condition, List(6)));
    }

    [Fact]
    public void A_NaN_error_rate_over_no_requests_passes_when_guarded_by_isNaN()
    {
        const string condition = "isNaN(result) || result <= 0.01";
        Assert.True(Holds(condition, N(double.NaN)));
        Assert.True(Holds(condition, N(0.005)));
        Assert.False(Holds(condition, N(0.02)));
    }

    [Fact]
    public void A_job_or_http_boolean_and_a_status_string()
    {
        Assert.True(Holds("result == true", B(true)));
        Assert.False(Holds("result == true", B(false)));
        Assert.True(Holds("result == \"ok\"", S("ok")));
        Assert.False(Holds("result == \"ok\"", S("degraded")));
    }

    [Fact]
    public void Argo_word_operators_read_the_same_as_symbols()
    {
        const string condition = "len(result) == 0 or result[0] > 0.9 and not isNaN(result[0])";
        Assert.True(Holds(condition, List(0.95)));
        Assert.True(Holds(condition, List()));
        Assert.False(Holds(condition, List(double.NaN)));
    }

    [Fact]
    public void A_failure_condition_fires_on_a_bad_value()
    {
        Assert.True(Holds("result[0] > 0.05", List(0.2)));
        Assert.False(Holds("result[0] > 0.05", List(0.01)));
    }

    [Fact]
    public void Baseline_error_rate_may_be_one_point_above_stable()
    {
        const string condition = "canary <= stable + 0.01";
        Assert.True(Holds(condition, canary: N(0.015), stable: N(0.01)));
        Assert.True(Holds(condition, canary: N(0.02), stable: N(0.01)));
        Assert.False(Holds(condition, canary: N(0.03), stable: N(0.01)));
    }

    [Fact]
    public void Baseline_p99_may_be_20_percent_above_stable()
    {
        const string condition = "canary <= 1.2 * stable";
        Assert.True(Holds(condition, canary: N(110), stable: N(100)));
        Assert.True(Holds(condition, canary: N(120), stable: N(100)));
        Assert.False(Holds(condition, canary: N(121), stable: N(100)));
    }

    [Fact]
    public void Baseline_conditions_can_read_result_too()
    {
        // result is the canary's value in a baseline comparison.
        Assert.True(Holds("result == canary && result < stable", canary: N(1), stable: N(2)));
    }

    [Fact]
    public void Baseline_names_are_refused_outside_a_baseline_comparison()
    {
        var errors = Errors("canary <= 1.2 * stable");
        Assert.Equal(
            [
                new(0, "'canary' can be read only in a baseline comparison; this condition can read result"),
                new(16, "'stable' can be read only in a baseline comparison; this condition can read result"),
            ],
            errors);
    }

    [Fact]
    public void A_baseline_condition_evaluated_without_baseline_values_says_so()
    {
        var condition = Parse("canary <= stable", baseline: true);
        var outcome = condition.Evaluate(new ConditionScope(N(1)));
        Assert.Equal("canary has no value: this measurement is not a baseline comparison", outcome.Error);
    }
}
