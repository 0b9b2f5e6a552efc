using Slipway.Core.Analysis;
using Slipway.Core.Rollouts;
using Slipway.Core.Spec;

namespace Slipway.Core.Tests.Rollouts;

/// <summary>Rollouts that judge themselves: what each analysis phase does to a canary and a blue-green rollout.</summary>
public sealed class AnalysisPlannerTests
{
    private static readonly AnalysisRef Errors = new(["error-rate"], [], []);

    private static PlannerFixture Stable(StrategySpec strategy)
    {
        var f = new PlannerFixture(strategy, replicas: 2);
        f.Deploy(1);
        f.Settle();
        Assert.Equal(RolloutPhase.Healthy, f.Status.Phase);
        return f;
    }

    private static CanaryStrategy StepCanary(AnalysisRef? step = null) => new(
    [
        new SetWeightStep(20),
        new AnalysisStep(step ?? Errors),
        new SetWeightStep(60),
    ]);

    private static CanaryStrategy BackgroundCanary(int startingStep = 1, AnalysisRef? analysis = null) => new(
    [
        new SetWeightStep(20),
        new PauseStep(TimeSpan.FromSeconds(10)),
        new SetWeightStep(60),
    ])
    {
        Analysis = new BackgroundAnalysis(analysis ?? Errors, startingStep),
    };

    [Fact]
    public void An_analysis_step_holds_the_canary_until_its_run_succeeds()
    {
        var f = Stable(StepCanary());
        f.Deploy(2);
        f.Settle();
        Assert.Equal(1, f.Status.CurrentStepIndex);
        Assert.Equal(Reasons.AnalysisRunning, f.Status.Reason);
        Assert.Equal(20, f.Weight(2));
        var key = f.Requested(AnalysisKind.Step);
        Assert.Equal(new AnalysisRunKey(AnalysisKind.Step, 2, 1, f.Status.StartedAt!.Value), key);

        // No progress deadline while it measures, however long that takes.
        f.Now += TimeSpan.FromHours(1);
        f.Settle();
        Assert.Equal(Reasons.AnalysisRunning, f.Status.Reason);

        f.SetRun(AnalysisKind.Step, AnalysisPhase.Successful);
        f.Settle();
        Assert.Equal(RolloutPhase.Healthy, f.Status.Phase);
        Assert.Equal(2, f.Status.StableRevision);
        Assert.Empty(f.Last.Analysis); // the run is no longer wanted: the runner ends it
    }

    [Fact]
    public void A_failed_analysis_step_aborts_traffic_first_and_says_what_failed()
    {
        var f = Stable(StepCanary());
        f.Deploy(2);
        f.Settle();
        f.SetRun(AnalysisKind.Step, AnalysisPhase.Failed, message: "metric errors failed at 2026-11-22T12:00:03Z: result 0.2: failureCondition 'result > 0.05' holds");

        var plan = f.Pass();
        Assert.Equal(100, f.Weight(1)); // in the very pass that saw the failure
        Assert.Equal(0, f.Weight(2));
        Assert.Equal(RolloutPhase.Degraded, plan.Status.Phase);
        Assert.Equal(Reasons.AnalysisFailed, plan.Status.Reason);
        Assert.Contains("result 0.2: failureCondition 'result > 0.05' holds", plan.Status.Message);
        Assert.Contains("step 2 analysis of revision 2", plan.Status.Message);
        Assert.Empty(plan.Analysis);
        f.Settle();
        Assert.False(f.Runs(2));
    }

    [Fact]
    public void An_error_aborts_like_a_failure()
    {
        var f = Stable(StepCanary());
        f.Deploy(2);
        f.Settle();
        f.SetRun(AnalysisKind.Step, AnalysisPhase.Error, message: "metric errors could not be measured");
        f.Settle();
        Assert.True(f.Status.Aborted);
        Assert.Equal(Reasons.AnalysisFailed, f.Status.Reason);
    }

    [Fact]
    public void With_onFailure_pause_a_failed_analysis_pauses_and_promote_goes_on()
    {
        var f = Stable(StepCanary(Errors with { OnFailure = AnalysisOnFailure.Pause }));
        f.Deploy(2);
        f.Settle();
        f.SetRun(AnalysisKind.Step, AnalysisPhase.Failed);
        f.Settle();
        Assert.False(f.Status.Aborted);
        Assert.Equal(RolloutPhase.Paused, f.Status.Phase);
        Assert.Equal(Reasons.AnalysisFailed, f.Status.Reason);
        Assert.Contains("promote to go on", f.Status.Message);
        Assert.Equal(20, f.Weight(2)); // held where it was

        f.Status = RolloutCommands.Promote(f.Status, f.Spec, full: false).Status!;
        f.Settle();
        Assert.Equal(RolloutPhase.Healthy, f.Status.Phase);
        Assert.Equal(2, f.Status.StableRevision);
    }

    [Fact]
    public void An_inconclusive_analysis_pauses_for_a_human()
    {
        var f = Stable(StepCanary());
        f.Deploy(2);
        f.Settle();
        f.SetRun(AnalysisKind.Step, AnalysisPhase.Inconclusive, message: "metric errors was inconclusive: too little traffic to judge");
        f.Settle();
        Assert.Equal(RolloutPhase.Paused, f.Status.Phase);
        Assert.Equal(Reasons.AnalysisInconclusive, f.Status.Reason);
        Assert.Contains(f.Events, e => e.Reason == Reasons.AnalysisInconclusive);

        f.Status = RolloutCommands.Abort(f.Status).Status!;
        f.Settle();
        Assert.Equal(100, f.Weight(1));
    }

    [Fact]
    public void Background_analysis_starts_at_its_starting_step_and_aborts_wherever_the_rollout_is()
    {
        var f = Stable(BackgroundCanary(startingStep: 1));
        f.Deploy(2);
        f.Pass();
        Assert.Empty(f.Last.Analysis); // step 0 (setWeight 20) not done yet
        f.Settle();
        Assert.Equal(1, f.Status.CurrentStepIndex); // in the timed pause
        f.Requested(AnalysisKind.Background);

        f.SetRun(AnalysisKind.Background, AnalysisPhase.Failed);
        var plan = f.Pass();
        Assert.True(plan.Status.Aborted);
        Assert.Equal(100, f.Weight(1));
        Assert.Contains("background analysis of revision 2", plan.Status.Message);
    }

    [Fact]
    public void A_canary_whose_background_analysis_has_seen_no_passing_measurement_never_takes_all_traffic()
    {
        var f = Stable(BackgroundCanary(startingStep: 0));
        f.Deploy(2);
        f.Settle();
        f.Now += TimeSpan.FromSeconds(10);
        f.Settle();
        Assert.Equal(3, f.Status.CurrentStepIndex); // every step done
        Assert.Equal(60, f.Weight(2));
        Assert.Equal(Reasons.AnalysisRunning, f.Status.Reason);
        Assert.Contains("once its background analysis has passed a measurement", f.Status.Message);

        f.SetRun(AnalysisKind.Background, AnalysisPhase.Running, evidence: false);
        f.Now += TimeSpan.FromHours(1);
        f.Settle();
        Assert.Equal(1, f.Status.StableRevision);

        f.SetRun(AnalysisKind.Background, AnalysisPhase.Running, evidence: true);
        f.Settle();
        Assert.Equal(2, f.Status.StableRevision);
        Assert.Equal(RolloutPhase.Healthy, f.Status.Phase);
        Assert.Empty(f.Last.Analysis); // background analysis ends with the rollout
    }

    [Fact]
    public void Promoting_past_an_inconclusive_background_analysis_starts_a_new_run()
    {
        var f = Stable(BackgroundCanary(startingStep: 0));
        f.Deploy(2);
        f.Settle();
        var first = f.SetRun(AnalysisKind.Background, AnalysisPhase.Inconclusive);
        f.Settle();
        Assert.Equal(RolloutPhase.Paused, f.Status.Phase);
        Assert.Equal(Reasons.AnalysisInconclusive, f.Status.Reason);

        f.Status = RolloutCommands.Promote(f.Status, f.Spec, full: false).Status!;
        f.Pass();
        var second = f.Requested(AnalysisKind.Background);
        Assert.NotEqual(first, second);
        Assert.Equal(1, second.Attempt);
        Assert.Equal(Reasons.CanaryPauseStep, f.Status.Reason); // back in its timed pause step, no longer held by the analysis
    }

    [Fact]
    public void A_full_promotion_skips_analysis()
    {
        var f = Stable(BackgroundCanary(startingStep: 0));
        f.Deploy(2);
        f.Settle();
        f.Status = RolloutCommands.Promote(f.Status, f.Spec, full: true).Status!;
        f.Settle();
        Assert.Equal(2, f.Status.StableRevision);
    }

    [Fact]
    public void A_rollout_held_by_a_user_keeps_its_analysis_and_still_aborts_on_failure()
    {
        var f = Stable(BackgroundCanary(startingStep: 0));
        f.Deploy(2);
        f.Settle();
        var key = f.SetRun(AnalysisKind.Background, AnalysisPhase.Running, evidence: false);
        f.Status = RolloutCommands.Pause(f.Status, f.Spec).Status!;
        f.Settle();
        Assert.Equal(key, f.Requested(AnalysisKind.Background));

        f.AnalysisRuns[key] = new AnalysisRunState(key, AnalysisPhase.Failed, false, "metric errors failed");
        f.Pass();
        Assert.True(f.Status.Aborted);
        Assert.Equal(100, f.Weight(1));
    }

    [Fact]
    public void A_retried_rollout_runs_its_analysis_anew()
    {
        var f = Stable(StepCanary());
        f.Deploy(2);
        f.Settle();
        var first = f.SetRun(AnalysisKind.Step, AnalysisPhase.Failed);
        f.Settle();
        f.Now += TimeSpan.FromMinutes(1);
        f.Status = RolloutCommands.Retry(f.Status, f.Now).Status!;
        f.Settle();
        Assert.NotEqual(first, f.Requested(AnalysisKind.Step));
        Assert.Equal(Reasons.AnalysisRunning, f.Status.Reason);
    }

    [Fact]
    public void Blue_green_switches_only_after_its_pre_promotion_analysis_succeeds()
    {
        var f = Stable(new BlueGreenStrategy(true, new RouteSpec("web-preview.dev.localhost", "/"), 30) { PrePromotionAnalysis = Errors });
        f.Deploy(2);
        f.Settle();
        Assert.Equal(Reasons.AnalysisRunning, f.Status.Reason);
        Assert.Equal(100, f.Weight(1));
        Assert.Equal(2, f.Last.Traffic.PreviewRevision);

        f.SetRun(AnalysisKind.PrePromotion, AnalysisPhase.Successful);
        f.Settle();
        Assert.Equal(2, f.Status.StableRevision);
        Assert.Equal(100, f.Weight(2));
    }

    [Fact]
    public void A_failed_pre_promotion_analysis_keeps_the_old_revision_active()
    {
        var f = Stable(new BlueGreenStrategy(true, new RouteSpec("web-preview.dev.localhost", "/"), 30) { PrePromotionAnalysis = Errors });
        f.Deploy(2);
        f.Settle();
        f.SetRun(AnalysisKind.PrePromotion, AnalysisPhase.Failed);
        f.Settle();
        Assert.True(f.Status.Aborted);
        Assert.Equal(1, f.Status.StableRevision);
        Assert.Equal(100, f.Weight(1));
        Assert.False(f.Runs(2));
    }

    [Fact]
    public void A_failed_post_promotion_analysis_switches_back_at_once()
    {
        var f = Stable(new BlueGreenStrategy(true, new RouteSpec("web-preview.dev.localhost", "/"), 30) { PostPromotionAnalysis = Errors });
        f.Deploy(2);
        f.Settle();
        Assert.Equal(100, f.Weight(2)); // switched
        Assert.Equal(2, f.Last.Replicas[1]); // the old revision stays at full size meanwhile
        Assert.Equal(1, f.Status.StableRevision);
        Assert.Equal(Reasons.AnalysisRunning, f.Status.Reason);

        f.SetRun(AnalysisKind.PostPromotion, AnalysisPhase.Failed);
        var plan = f.Pass();
        Assert.Equal(100, f.Weight(1)); // back in the same pass
        Assert.Equal(RolloutPhase.Degraded, plan.Status.Phase);
        Assert.Contains("post-promotion analysis of revision 2", plan.Status.Message);
    }

    [Fact]
    public void A_successful_post_promotion_analysis_completes_the_rollout()
    {
        var f = Stable(new BlueGreenStrategy(true, new RouteSpec("web-preview.dev.localhost", "/"), 30) { PostPromotionAnalysis = Errors });
        f.Deploy(2);
        f.Settle();
        f.SetRun(AnalysisKind.PostPromotion, AnalysisPhase.Successful);
        f.Settle();
        Assert.Equal(RolloutPhase.Healthy, f.Status.Phase);
        Assert.Equal(2, f.Status.StableRevision);
        Assert.Equal(1, f.Status.PreviousStableRevision); // kept warm for scaleDownDelaySeconds as without analysis
    }

    [Fact]
    public void Every_rollout_reports_the_built_in_health_check_like_a_metric_and_aborts_on_it()
    {
        var f = Stable(StepCanary());
        Assert.Null(f.Last.Health); // nothing rolls out
        f.Deploy(2);
        f.Settle();
        Assert.Equal(new HealthCheck(2, AnalysisPhase.Running, 0, 2), f.Last.Health);

        for (var crash = 0; crash < 3; crash++)
        {
            f.Crash(2);
            f.Pass();
            f.Act();
        }

        Assert.Equal(AnalysisPhase.Failed, f.Last.Health!.Phase);
        Assert.Equal(3, f.Last.Health.Restarts);
        Assert.Equal("restarts <= maxRestarts (2)", f.Last.Health.Condition);
        Assert.True(f.Status.Aborted);
        Assert.Equal(Reasons.MaxRestartsExceeded, f.Status.Reason);
        Assert.Equal(100, f.Weight(1));
    }

    [Fact]
    public void Background_analysis_waits_for_the_canary_to_receive_traffic_but_a_canary_that_never_did_is_still_judged_before_promotion()
    {
        var f = Stable(new CanaryStrategy([new PauseStep(TimeSpan.FromSeconds(10))]) { Analysis = new BackgroundAnalysis(Errors, 0) });
        f.Deploy(2);
        f.Settle();
        Assert.Empty(f.Last.Analysis); // weight 0: nothing to measure yet

        f.Now += TimeSpan.FromSeconds(10);
        f.Settle();
        f.Requested(AnalysisKind.Background); // after the last step it runs whatever the traffic
        Assert.Equal(1, f.Status.StableRevision);
        Assert.Equal(Reasons.AnalysisRunning, f.Status.Reason);

        f.SetRun(AnalysisKind.Background, AnalysisPhase.Inconclusive, evidence: false, message: "metric errors was inconclusive: too little traffic to judge");
        f.Settle();
        Assert.Equal(RolloutPhase.Paused, f.Status.Phase);
        Assert.Equal(1, f.Status.StableRevision);
    }

    [Fact]
    public void Background_analysis_starts_in_the_pass_that_gives_the_canary_its_first_traffic()
    {
        var f = Stable(BackgroundCanary(startingStep: 0));
        f.Deploy(2);
        for (var round = 0; round < 10 && f.Status.CurrentStepIndex == 0; round++)
        {
            f.Pass();
            f.Act();
        }

        Assert.Equal(20, f.Status.CanaryWeight);
        Assert.Single(f.Last.Analysis, r => r.Key.Kind == AnalysisKind.Background); // in that same plan: the pause that follows wakes nothing for 10 s
    }
}
