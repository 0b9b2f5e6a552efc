using Slipway.Core.Analysis;

namespace Slipway.Core.Tests.Analysis;

/// <summary>Argo Rollouts' limits, measurement by measurement, and Slipway's rule that too little traffic never passes.</summary>
public sealed class MetricAssessmentTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static readonly MetricSpec Errors = new("errors", new RouterMetricProvider(RouterMeasure.ErrorRate, TimeSpan.FromSeconds(10), false))
    {
        Interval = TimeSpan.FromSeconds(1),
        SuccessCondition = "result <= 0.05",
    };

    private static MetricStatus Feed(MetricSpec metric, params (AnalysisPhase Phase, int AtSecond, bool LowTraffic)[] measurements)
    {
        var status = MetricAssessment.Start(metric);
        foreach (var (phase, at, low) in measurements)
        {
            var time = Start.AddSeconds(at);
            status = MetricAssessment.Record(metric, status, new Measurement(metric.Name, phase, time, time) { LowTraffic = low, Message = phase.ToString() }, Start);
        }

        return status;
    }

    private static (AnalysisPhase, int, bool) M(AnalysisPhase phase, int at) => (phase, at, false);

    [Fact]
    public void The_first_failure_fails_a_metric_by_default()
    {
        var status = Feed(Errors, M(AnalysisPhase.Successful, 1), M(AnalysisPhase.Failed, 2));
        Assert.Equal(AnalysisPhase.Failed, status.Phase);
        Assert.Contains("1 measurement failed, failureLimit 0", status.Message);
        Assert.Equal(Start.AddSeconds(2), status.Deciding!.StartedAt);
    }

    [Fact]
    public void A_failure_limit_tolerates_that_many_failures()
    {
        var metric = Errors with { FailureLimit = 2 };
        Assert.Equal(AnalysisPhase.Running, Feed(metric, M(AnalysisPhase.Failed, 1), M(AnalysisPhase.Failed, 2)).Phase);
        Assert.Equal(AnalysisPhase.Failed, Feed(metric, M(AnalysisPhase.Failed, 1), M(AnalysisPhase.Failed, 2), M(AnalysisPhase.Failed, 3)).Phase);
    }

    [Fact]
    public void Errors_fail_only_past_the_consecutive_error_limit_and_a_success_resets_them()
    {
        var four = Enumerable.Range(1, 4).Select(i => M(AnalysisPhase.Error, i)).ToArray();
        Assert.Equal(AnalysisPhase.Running, Feed(Errors, four).Phase);
        Assert.Equal(AnalysisPhase.Error, Feed(Errors, [.. four, M(AnalysisPhase.Error, 5)]).Phase);
        Assert.Equal(AnalysisPhase.Running, Feed(Errors, [.. four, M(AnalysisPhase.Successful, 5), M(AnalysisPhase.Error, 6)]).Phase);
    }

    [Fact]
    public void A_metric_with_a_count_succeeds_once_that_many_measurements_counted()
    {
        var metric = Errors with { Count = 3 };
        var status = Feed(metric, M(AnalysisPhase.Successful, 1), M(AnalysisPhase.Error, 2), M(AnalysisPhase.Successful, 3));
        Assert.Equal(AnalysisPhase.Running, status.Phase); // an error does not count
        status = MetricAssessment.Record(metric, status, new Measurement("errors", AnalysisPhase.Successful, Start.AddSeconds(4), Start.AddSeconds(4)), Start);
        Assert.Equal(AnalysisPhase.Successful, status.Phase);
        Assert.Null(MetricAssessment.NextMeasurementAt(metric, status, Start));
    }

    [Fact]
    public void Consecutive_successes_end_a_metric_early()
    {
        var metric = Errors with { ConsecutiveSuccessLimit = 2 };
        Assert.Equal(AnalysisPhase.Running, Feed(metric with { InconclusiveLimit = 1 }, M(AnalysisPhase.Successful, 1), M(AnalysisPhase.Inconclusive, 2), M(AnalysisPhase.Successful, 3)).Phase);
        Assert.Equal(AnalysisPhase.Successful, Feed(metric, M(AnalysisPhase.Successful, 1), M(AnalysisPhase.Successful, 2)).Phase);
    }

    [Fact]
    public void A_metric_without_count_or_interval_is_measured_once()
    {
        var metric = Errors with { Interval = null };
        Assert.Equal(AnalysisPhase.Successful, Feed(metric, M(AnalysisPhase.Successful, 1)).Phase);
    }

    [Fact]
    public void Neither_condition_holding_is_inconclusive_and_pauses_by_default()
    {
        Assert.Equal(AnalysisPhase.Inconclusive, Feed(Errors, M(AnalysisPhase.Inconclusive, 1)).Phase);
        Assert.Equal(AnalysisPhase.Running, Feed(Errors with { InconclusiveLimit = 1 }, M(AnalysisPhase.Inconclusive, 1)).Phase);
    }

    [Fact]
    public void Too_little_traffic_does_not_count_during_the_first_window_then_is_inconclusive()
    {
        // The window is 10 s: a canary that just got its weight has not had the time to be measured.
        var early = Feed(Errors, (AnalysisPhase.Inconclusive, 1, true), (AnalysisPhase.Inconclusive, 9, true));
        Assert.Equal(AnalysisPhase.Running, early.Phase);
        Assert.Equal(0, early.Count);
        Assert.Contains("not counted before the first 10s window", early.Message);

        var late = Feed(Errors, (AnalysisPhase.Inconclusive, 1, true), (AnalysisPhase.Inconclusive, 10, true));
        Assert.Equal(AnalysisPhase.Inconclusive, late.Phase);
    }

    [Fact]
    public void With_lowTraffic_extend_the_metric_waits_for_traffic_up_to_its_bound()
    {
        var metric = Errors with { LowTraffic = LowTrafficPolicy.Extend, MaxExtension = TimeSpan.FromMinutes(1) };
        var waiting = Feed(metric, (AnalysisPhase.Inconclusive, 5, true), (AnalysisPhase.Inconclusive, 30, true), (AnalysisPhase.Inconclusive, 64, true));
        Assert.Equal(AnalysisPhase.Running, waiting.Phase);
        Assert.Equal(Start.AddSeconds(5), waiting.WaitingSince);
        Assert.Contains("lowTraffic: extend", waiting.Message);

        var expired = MetricAssessment.Record(metric, waiting, new Measurement("errors", AnalysisPhase.Inconclusive, Start.AddSeconds(65), Start.AddSeconds(65)) { LowTraffic = true }, Start);
        Assert.Equal(AnalysisPhase.Inconclusive, expired.Phase);

        // Traffic that comes in time is judged as usual, and the wait starts over the next time it drops.
        var served = MetricAssessment.Record(metric, waiting, new Measurement("errors", AnalysisPhase.Successful, Start.AddSeconds(65), Start.AddSeconds(65)), Start);
        Assert.Equal(AnalysisPhase.Running, served.Phase);
        Assert.Null(served.WaitingSince);
        Assert.Equal(1, served.Successful);
    }

    [Fact]
    public void Measurements_keep_their_cadence_after_the_initial_delay()
    {
        var metric = Errors with { InitialDelay = TimeSpan.FromSeconds(30) };
        var status = MetricAssessment.Start(metric);
        Assert.Equal(Start.AddSeconds(30), MetricAssessment.NextMeasurementAt(metric, status, Start));
        status = MetricAssessment.Record(metric, status, new Measurement("errors", AnalysisPhase.Successful, Start.AddSeconds(30), Start.AddSeconds(30.2)), Start);
        Assert.Equal(Start.AddSeconds(31), MetricAssessment.NextMeasurementAt(metric, status, Start));

        // A measurement that took longer than the interval is followed at once.
        status = MetricAssessment.Record(metric, status, new Measurement("errors", AnalysisPhase.Successful, Start.AddSeconds(31), Start.AddSeconds(33)), Start);
        Assert.Equal(Start.AddSeconds(33), MetricAssessment.NextMeasurementAt(metric, status, Start));
    }

    [Fact]
    public void A_terminated_metric_that_had_not_decided_ends_successful_and_a_decided_one_keeps_its_phase()
    {
        Assert.Equal(AnalysisPhase.Successful, MetricAssessment.Terminate(Feed(Errors, M(AnalysisPhase.Successful, 1)), "the rollout ended").Phase);
        Assert.Equal(AnalysisPhase.Failed, MetricAssessment.Terminate(Feed(Errors, M(AnalysisPhase.Failed, 1)), "the rollout ended").Phase);
    }

    [Fact]
    public void A_run_fails_on_any_failed_metric_but_never_on_a_dry_run_one()
    {
        var key = new AnalysisRunKey(AnalysisKind.Background, 2, 0, Start);
        var failed = Feed(Errors, M(AnalysisPhase.Failed, 1));
        var running = Feed(Errors with { Name = "latency" }, M(AnalysisPhase.Successful, 1));
        var run = AnalysisRunState.Of(key, [running, failed]);
        Assert.Equal(AnalysisPhase.Failed, run.Phase);
        Assert.StartsWith("metric errors failed at 2026-11-22T12:00:01Z: Failed", run.Message);

        var dry = AnalysisRunState.Of(key, [running, failed with { DryRun = true }]);
        Assert.Equal(AnalysisPhase.Running, dry.Phase);
        Assert.True(dry.HasEvidence);
    }

    [Fact]
    public void A_run_has_evidence_only_when_every_counted_metric_passed_a_measurement()
    {
        var key = new AnalysisRunKey(AnalysisKind.Background, 2, 0, Start);
        var passed = Feed(Errors, M(AnalysisPhase.Successful, 1));
        var waiting = Feed(Errors with { Name = "latency" }, (AnalysisPhase.Inconclusive, 1, true));
        Assert.False(AnalysisRunState.Of(key, [passed, waiting]).HasEvidence);
        Assert.True(AnalysisRunState.Of(key, [passed]).HasEvidence);
    }
}
