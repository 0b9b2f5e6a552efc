using Slipway.Core.Analysis;
using Slipway.Core.Analysis.Judge;

namespace Slipway.Core.Tests.Analysis;

/// <summary>Argo Rollouts' rules for a measurement's phase, and what the message says about it.</summary>
public sealed class MeasurementDeciderTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static readonly MetricSpec Router = new("errors", new RouterMetricProvider(RouterMeasure.ErrorRate, TimeSpan.FromSeconds(10), false));

    private static Measurement Decide(MetricSpec metric, ProviderResult read) => MeasurementDecider.Decide(metric, read, At, At.AddMilliseconds(3));

    private static ProviderResult Read(double value, long sample = 100) => new(AnalysisValue.Of(value), SampleSize: sample);

    [Theory]
    [InlineData("result <= 0.05", null, 0.01, AnalysisPhase.Successful)]
    [InlineData("result <= 0.05", null, 0.2, AnalysisPhase.Failed)]
    [InlineData(null, "result > 0.1", 0.2, AnalysisPhase.Failed)]
    [InlineData(null, "result > 0.1", 0.05, AnalysisPhase.Successful)]
    [InlineData("result <= 0.05", "result > 0.1", 0.07, AnalysisPhase.Inconclusive)]
    [InlineData("result <= 0.5", "result > 0.1", 0.2, AnalysisPhase.Failed)] // a failure condition that holds wins
    public void Conditions_decide_as_in_Argo_Rollouts(string? success, string? failure, double value, AnalysisPhase expected)
    {
        var metric = Router with { SuccessCondition = success, FailureCondition = failure };
        Assert.Equal(expected, Decide(metric, Read(value)).Phase);
    }

    [Fact]
    public void The_message_names_the_value_and_the_condition()
    {
        var m = Decide(Router with { FailureCondition = "result > 0.05" }, Read(0.2));
        Assert.Equal("result 0.2: failureCondition 'result > 0.05' holds", m.Message);
        Assert.Equal(AnalysisValue.Of(0.2), m.Value);
    }

    [Fact]
    public void A_baseline_comparison_sees_canary_and_stable()
    {
        var metric = new MetricSpec("errors", new RouterMetricProvider(RouterMeasure.ErrorRate, TimeSpan.FromSeconds(10), true)) { SuccessCondition = "canary <= stable + 0.01" };
        var worse = Decide(metric, new ProviderResult(AnalysisValue.Of(0.05), AnalysisValue.Of(0.05), AnalysisValue.Of(0.01), 200));
        Assert.Equal(AnalysisPhase.Failed, worse.Phase);
        Assert.StartsWith("canary 0.05, stable 0.01: successCondition", worse.Message);
        Assert.Equal(AnalysisPhase.Successful, Decide(metric, new ProviderResult(AnalysisValue.Of(0.015), AnalysisValue.Of(0.015), AnalysisValue.Of(0.01), 200)).Phase);
    }

    [Fact]
    public void Too_few_requests_are_inconclusive_whatever_the_value()
    {
        var m = Decide(Router with { SuccessCondition = "result <= 0.05" }, Read(0, sample: 3));
        Assert.Equal(AnalysisPhase.Inconclusive, m.Phase);
        Assert.True(m.LowTraffic);
        Assert.Equal("too little traffic to judge: 3 requests, fewer than minSampleSize 20", m.Message);
    }

    [Fact]
    public void A_provider_error_and_a_condition_that_cannot_be_evaluated_are_errors_never_passes()
    {
        var failed = Decide(Router with { SuccessCondition = "result <= 0.05" }, ProviderResult.Failed("router at 127.0.0.1:8081 did not answer within 1 s"));
        Assert.Equal(AnalysisPhase.Error, failed.Phase);
        Assert.Equal("router at 127.0.0.1:8081 did not answer within 1 s", failed.Message);

        var prometheus = new MetricSpec("q", new PrometheusMetricProvider("http://127.0.0.1:9090", "up", TimeSpan.FromSeconds(5))) { SuccessCondition = "result[0] >= 0.95" };
        var empty = Decide(prometheus, new ProviderResult(AnalysisValue.Of([])));
        Assert.Equal(AnalysisPhase.Error, empty.Phase);
        Assert.Contains("could not be evaluated", empty.Message);
    }

    [Fact]
    public void A_job_without_conditions_passes_on_exit_code_zero_and_keeps_its_output()
    {
        var job = new MetricSpec("smoke", new JobMetricProvider("./smoke.sh", [], [], TimeSpan.FromMinutes(1)));
        Assert.Equal(AnalysisPhase.Successful, Decide(job, new ProviderResult(AnalysisValue.Of(0), Output: "ok")).Phase);
        var failed = Decide(job, new ProviderResult(AnalysisValue.Of(3), Output: "GET / → 500"));
        Assert.Equal(AnalysisPhase.Failed, failed.Phase);
        Assert.Equal("GET / → 500", failed.Output);
        Assert.Contains("exited with 3", failed.Message);
    }

    [Fact]
    public void The_judge_decides_by_its_verdict()
    {
        var judge = new MetricSpec("judge", new JudgeMetricProvider(true, true, 0, 1.1, 0.99, null));
        JudgeVerdict Verdict(JudgeOutcome outcome) => new(outcome, 0.999, [], $"verdict {outcome}");
        Assert.Equal(AnalysisPhase.Failed, Decide(judge, new ProviderResult(AnalysisValue.Of(0.999), Verdict: Verdict(JudgeOutcome.Fail))).Phase);
        Assert.Equal(AnalysisPhase.Successful, Decide(judge, new ProviderResult(AnalysisValue.Of(0.5), Verdict: Verdict(JudgeOutcome.Pass))).Phase);
        var low = Decide(judge, new ProviderResult(AnalysisValue.Of(0), Verdict: Verdict(JudgeOutcome.NotEnoughData)));
        Assert.Equal(AnalysisPhase.Inconclusive, low.Phase);
        Assert.True(low.LowTraffic);
    }

    [Fact]
    public void A_measurements_phase_is_written_as_status_writes_phases()
    {
        var json = System.Text.Json.JsonSerializer.Serialize(Decide(Router with { FailureCondition = "result > 0.05" }, Read(0.2)), Slipway.Core.Serialization.SlipwayJson.Api);
        Assert.Contains("\"phase\":\"Failed\"", json);
        Assert.Equal(AnalysisPhase.Failed, System.Text.Json.JsonSerializer.Deserialize<Measurement>(json, Slipway.Core.Serialization.SlipwayJson.Api)!.Phase);
    }
}
