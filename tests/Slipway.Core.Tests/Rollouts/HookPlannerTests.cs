using Slipway.Core.Hooks;
using Slipway.Core.Rollouts;
using Slipway.Core.Spec;

namespace Slipway.Core.Tests.Rollouts;

/// <summary>
/// Rollouts that wait for their hooks: what each hook moment does to every strategy — nothing of the new revision
/// before its preRollout hooks succeed, confirm gates that hold until a hook or a human says yes, and hooks after the
/// end of a rollout that change nothing.
/// </summary>
public sealed class HookPlannerTests
{
    public static TheoryData<string> Strategies => new() { "canary", "blueGreen", "rolling", "recreate" };

    private static StrategySpec Strategy(string name) => name switch
    {
        "canary" => new CanaryStrategy([new SetWeightStep(20), new SetWeightStep(60)]),
        "blueGreen" => new BlueGreenStrategy(true, new RouteSpec("web-preview.dev.localhost", "/"), 0),
        "rolling" => RollingStrategy.Default,
        _ => new RecreateStrategy(),
    };

    private static HookSpec Job(string name, HookType type, int retries = 0) =>
        new(name, type, new JobHookAction("dotnet", ["Migrate.dll"], []), HookSpec.DefaultTimeout, retries);

    /// <summary>Revision 1 stable on <paramref name="strategy"/> with <paramref name="hooks"/> in the spec (they do not run for it: they were added after).</summary>
    private static PlannerFixture Stable(string strategy, params HookSpec[] hooks)
    {
        var f = new PlannerFixture(Strategy(strategy), replicas: 2);
        f.Deploy(1);
        f.Settle();
        Assert.Equal(RolloutPhase.Healthy, f.Status.Phase);
        f.Spec = f.Spec with { Hooks = hooks };
        return f;
    }

    private static void AssertNothingMoved(PlannerFixture f)
    {
        Assert.False(f.Runs(2), "an instance of revision 2 runs");
        Assert.Equal(100, f.Weight(1));
        Assert.Equal(0, f.Weight(2));
        Assert.Equal(2, f.Observed(1).Ready);
    }

    [Theory]
    [MemberData(nameof(Strategies))]
    public void Nothing_of_the_new_revision_starts_until_its_preRollout_hook_has_succeeded(string strategy)
    {
        var f = Stable(strategy, Job("migrate", HookType.PreRollout));
        f.Deploy(2);
        f.Settle();
        AssertNothingMoved(f);
        Assert.Equal(RolloutPhase.Progressing, f.Status.Phase);
        Assert.Equal(Reasons.HookRunning, f.Status.Reason);
        Assert.Contains("preRollout hook migrate", f.Status.Message);
        Assert.Equal(new HookRunKey(HookType.PreRollout, "migrate", 2, f.Status.StartedAt!.Value), f.RequestedHook("migrate"));

        // However long the migration takes, it is no lack of progress: the hook has its own timeout.
        f.SetHook("migrate", HookPhase.Running);
        f.Now += TimeSpan.FromHours(1);
        f.Settle();
        AssertNothingMoved(f);
        Assert.False(f.Status.Aborted);

        f.SetHook("migrate", HookPhase.Succeeded);
        f.Settle();
        Assert.Equal(RolloutPhase.Healthy, f.Status.Phase);
        Assert.Equal(2, f.Status.StableRevision);
        Assert.Contains(f.Events, e => e.Reason == Reasons.HookSucceeded && e.Message.Contains("migrate", StringComparison.Ordinal));
        Assert.Empty(f.Last.Hooks); // asked for no more once the rollout is done
    }

    [Theory]
    [MemberData(nameof(Strategies))]
    public void A_failed_preRollout_hook_aborts_with_nothing_moved_and_says_which_hook_how_often_and_why(string strategy)
    {
        var f = Stable(strategy, Job("migrate", HookType.PreRollout, retries: 2));
        f.Deploy(2);
        f.Settle();
        f.SetHook("migrate", HookPhase.Running, attempts: 2);
        f.Settle();
        Assert.Contains("attempt 2 of 3", f.Status.Message);

        f.SetHook("migrate", HookPhase.Failed, attempts: 3, message: "exit code 1; last output: relation users does not exist");
        var plan = f.Pass();
        Assert.True(plan.Status.Aborted);
        Assert.Equal(RolloutPhase.Degraded, plan.Status.Phase);
        Assert.Equal(Reasons.HookFailed, plan.Status.Reason);
        Assert.Contains("preRollout hook migrate failed after 3 attempts: exit code 1; last output: relation users does not exist", plan.Status.Message);
        Assert.Equal(100, f.Weight(1));
        Assert.Equal(0, plan.Start.GetValueOrDefault(2));
        f.Settle();
        AssertNothingMoved(f);
        Assert.Equal(1, f.Status.StableRevision);
        Assert.Contains(f.Events, e => e.Reason == Reasons.HookFailed);
    }

    [Fact]
    public void A_retry_after_a_failed_preRollout_hook_runs_it_again_as_a_new_run()
    {
        var f = Stable("canary", Job("migrate", HookType.PreRollout));
        f.Deploy(2);
        f.Settle();
        var first = f.SetHook("migrate", HookPhase.Failed, message: "exit code 1");
        f.Settle();
        Assert.True(f.Status.Aborted);

        f.Now += TimeSpan.FromMinutes(1);
        f.Status = RolloutCommands.Retry(f.Status, f.Now).Status!;
        f.Settle();
        var second = f.RequestedHook("migrate");
        Assert.NotEqual(first, second);
        Assert.Equal(Reasons.HookRunning, f.Status.Reason);
        f.SetHook("migrate", HookPhase.Succeeded);
        f.Settle();
        Assert.Equal(2, f.Status.StableRevision);
    }

    [Fact]
    public void PreRollout_hooks_run_one_after_the_other_in_the_order_of_the_spec()
    {
        var f = Stable("canary", Job("migrate", HookType.PreRollout), Job("seed", HookType.PreRollout));
        f.Deploy(2);
        f.Settle();
        Assert.Equal(["migrate"], f.Last.Hooks.Select(h => h.Key.Hook));
        Assert.Contains("(1 of 2)", f.Status.Message);

        f.SetHook("migrate", HookPhase.Succeeded);
        f.Settle();
        Assert.Equal(["migrate", "seed"], f.Last.Hooks.Select(h => h.Key.Hook));
        AssertNothingMoved(f);

        f.SetHook("seed", HookPhase.Succeeded);
        f.Settle();
        Assert.Equal(2, f.Status.StableRevision);
    }

    [Fact]
    public void The_progress_deadline_counts_from_the_moment_the_preRollout_hooks_let_the_rollout_start()
    {
        var f = new PlannerFixture(Strategy("canary"), replicas: 1, progressDeadlineSeconds: 60);
        f.Deploy(1);
        f.Settle();
        f.Spec = f.Spec with { Hooks = [Job("migrate", HookType.PreRollout)] };
        f.Deploy(2);
        f.Settle();
        f.Now += TimeSpan.FromMinutes(10); // a long migration
        f.SetHook("migrate", HookPhase.Succeeded);
        f.Healthy.Remove(2); // the canary never becomes ready: the deadline must still give it its 60 s
        f.Pass();
        f.Act();
        f.Pass();
        Assert.False(f.Status.Aborted);
        f.Now += TimeSpan.FromSeconds(61);
        f.Pass();
        Assert.True(f.Status.Aborted);
        Assert.Equal(Reasons.ProgressDeadlineExceeded, f.Status.Reason);
    }

    [Fact]
    public void A_first_deploy_starts_nothing_before_its_preRollout_hook_and_a_failure_leaves_nothing_running_until_retried()
    {
        var f = new PlannerFixture(Strategy("canary"), replicas: 2) { };
        f.Spec = f.Spec with { Hooks = [Job("migrate", HookType.PreRollout)] };
        f.Deploy(1);
        f.Settle();
        Assert.False(f.Runs(1));
        Assert.Equal(Reasons.HookRunning, f.Status.Reason);

        f.SetHook("migrate", HookPhase.Failed, message: "exit code 2");
        f.Settle();
        Assert.False(f.Runs(1));
        Assert.Equal(RolloutPhase.Degraded, f.Status.Phase);
        Assert.Equal(Reasons.HookFailed, f.Status.Reason);

        f.Now += TimeSpan.FromMinutes(1);
        f.Status = RolloutCommands.Retry(f.Status, f.Now).Status!;
        f.Settle();
        Assert.False(f.Runs(1));
        f.SetHook("migrate", HookPhase.Succeeded);
        f.Settle();
        Assert.Equal(RolloutPhase.Healthy, f.Status.Phase);
        Assert.Equal(1, f.Status.StableRevision);
    }

    [Theory]
    [MemberData(nameof(Strategies))]
    public void A_confirmRollout_hook_holds_the_rollout_paused_before_anything_starts_until_it_says_yes(string strategy)
    {
        var f = Stable(strategy, Job("approve", HookType.ConfirmRollout), Job("migrate", HookType.PreRollout));
        f.Deploy(2);
        f.Settle();
        AssertNothingMoved(f);
        Assert.Equal(RolloutPhase.Paused, f.Status.Phase);
        Assert.Equal(Reasons.WaitingForConfirmation, f.Status.Reason);
        Assert.Contains("confirmRollout hook approve", f.Status.Message);
        Assert.Equal(["approve"], f.Last.Hooks.Select(h => h.Key.Hook)); // the migration waits for the confirmation
        Assert.Single(f.Events, e => e.Reason == Reasons.WaitingForConfirmation);

        f.SetHook("approve", HookPhase.Running, attempts: 5);
        f.Now += TimeSpan.FromHours(2);
        f.Settle();
        AssertNothingMoved(f);
        Assert.False(f.Status.Aborted);

        f.SetHook("approve", HookPhase.Succeeded, attempts: 6);
        f.Settle();
        Assert.Equal(["migrate"], f.Last.Hooks.Select(h => h.Key.Hook));
        f.SetHook("migrate", HookPhase.Succeeded);
        f.Settle();
        Assert.Equal(RolloutPhase.Healthy, f.Status.Phase);
        Assert.Equal(2, f.Status.StableRevision);
        Assert.Contains(f.Events, e => e.Reason == Reasons.Confirmed && e.Message.Contains("approve", StringComparison.Ordinal));
    }

    [Fact]
    public void Promote_confirms_a_waiting_confirmRollout_gate_by_hand_and_does_not_also_skip_the_first_pause_step()
    {
        var f = new PlannerFixture(new CanaryStrategy([new SetWeightStep(20), new PauseStep(null), new SetWeightStep(60)]), replicas: 2);
        f.Deploy(1);
        f.Settle();
        f.Spec = f.Spec with { Hooks = [Job("approve", HookType.ConfirmRollout)] };
        f.Deploy(2);
        f.Settle();
        Assert.Equal(Reasons.WaitingForConfirmation, f.Status.Reason);

        var promoted = RolloutCommands.Promote(f.Status, f.Spec, full: false);
        Assert.Equal("promoted: the rollout of revision 2 is confirmed by hand; it starts", promoted.Message);
        f.Status = promoted.Status!;
        f.Settle();
        Assert.Equal(RolloutPhase.Paused, f.Status.Phase);
        Assert.Equal(Reasons.CanaryPauseStep, f.Status.Reason);
        Assert.Equal(20, f.Weight(2));
        Assert.Contains(f.Events, e => e.Reason == Reasons.Confirmed && e.Message.Contains("by hand", StringComparison.Ordinal));
        Assert.Empty(f.Last.Hooks); // the gate's run is no longer asked for: the runner stops calling the hook
    }

    [Fact]
    public void A_canary_holds_its_final_promotion_at_full_size_with_the_traffic_of_its_steps_until_confirmed()
    {
        var f = Stable("canary", Job("approve", HookType.ConfirmPromotion));
        f.Deploy(2);
        f.Settle();
        Assert.Equal(RolloutPhase.Paused, f.Status.Phase);
        Assert.Equal(Reasons.WaitingForConfirmation, f.Status.Reason);
        Assert.Contains("the move of all traffic to revision 2", f.Status.Message);
        Assert.Equal(2, f.Status.CurrentStepIndex);
        Assert.Equal(60, f.Weight(2));
        Assert.Equal(2, f.Observed(2).Ready); // brought to full size already
        Assert.Equal(1, f.Status.StableRevision);

        f.SetHook("approve", HookPhase.Succeeded);
        f.Settle();
        Assert.Equal(2, f.Status.StableRevision);
        Assert.Equal(100, f.Weight(2));
    }

    [Fact]
    public void A_blue_green_switch_waits_for_confirmPromotion_with_the_new_revision_on_the_preview_route()
    {
        var f = Stable("blueGreen", Job("approve", HookType.ConfirmPromotion));
        f.Deploy(2);
        f.Settle();
        Assert.Equal(Reasons.WaitingForConfirmation, f.Status.Reason);
        Assert.Contains("the switch to revision 2", f.Status.Message);
        Assert.Equal(100, f.Weight(1));
        Assert.Equal(2, f.Last.Traffic.PreviewRevision);
        Assert.Equal(2, f.Observed(2).Ready);

        f.SetHook("approve", HookPhase.Succeeded);
        f.Settle();
        Assert.Equal(2, f.Status.StableRevision);
        Assert.Equal(100, f.Weight(2));
    }

    [Fact]
    public void A_rolling_update_holds_its_last_batch_with_one_old_instance_serving_until_confirmed()
    {
        var f = Stable("rolling", Job("approve", HookType.ConfirmPromotion));
        f.Deploy(2);
        f.Settle();
        Assert.Equal(Reasons.WaitingForConfirmation, f.Status.Reason);
        Assert.Contains("the last batch", f.Status.Message);
        Assert.Equal(1, f.Observed(1).Instances);
        Assert.True(f.Weight(1) > 0);
        Assert.True(f.Observed(2).Ready >= 1);

        f.SetHook("approve", HookPhase.Succeeded);
        f.Settle();
        Assert.Equal(2, f.Status.StableRevision);
        Assert.False(f.Runs(1));
    }

    [Fact]
    public void Recreate_keeps_the_old_instances_serving_until_confirmPromotion_lets_them_stop()
    {
        var f = Stable("recreate", Job("approve", HookType.ConfirmPromotion));
        f.Deploy(2);
        f.Settle();
        Assert.Equal(Reasons.WaitingForConfirmation, f.Status.Reason);
        AssertNothingMoved(f);

        f.SetHook("approve", HookPhase.Succeeded);
        f.Settle();
        Assert.Equal(2, f.Status.StableRevision);
        Assert.False(f.Runs(1));
    }

    [Theory]
    [MemberData(nameof(Strategies))]
    public void Promote_confirms_a_waiting_confirmPromotion_gate(string strategy)
    {
        var f = Stable(strategy, Job("approve", HookType.ConfirmPromotion));
        f.Deploy(2);
        f.Settle();
        Assert.Equal(Reasons.WaitingForConfirmation, f.Status.Reason);
        var promoted = RolloutCommands.Promote(f.Status, f.Spec, full: false);
        Assert.Equal("promoted: the final promotion of revision 2 is confirmed by hand", promoted.Message);
        f.Status = promoted.Status!;
        f.Settle();
        Assert.Equal(RolloutPhase.Healthy, f.Status.Phase);
        Assert.Equal(2, f.Status.StableRevision);
    }

    [Fact]
    public void A_full_promotion_skips_the_confirm_gates_but_never_the_preRollout_hooks()
    {
        var f = Stable("canary", Job("approve", HookType.ConfirmRollout), Job("migrate", HookType.PreRollout), Job("last", HookType.ConfirmPromotion));
        f.Deploy(2);
        f.Settle();
        f.Status = RolloutCommands.Promote(f.Status, f.Spec, full: true).Status!;
        f.Settle();
        Assert.Equal(["migrate"], f.Last.Hooks.Select(h => h.Key.Hook));
        AssertNothingMoved(f);
        f.SetHook("migrate", HookPhase.Succeeded);
        f.Settle();
        Assert.Equal(2, f.Status.StableRevision);
    }

    [Theory]
    [MemberData(nameof(Strategies))]
    public void PostPromotion_hooks_run_once_after_the_new_revision_is_stable_and_a_failure_is_reported_without_rollback(string strategy)
    {
        var f = Stable(strategy, Job("contract", HookType.PostPromotion), Job("notify", HookType.PostPromotion));
        f.Deploy(2);
        f.Settle();
        Assert.Equal(2, f.Status.StableRevision);
        Assert.Equal(HookType.PostPromotion, f.Status.HooksToRun);
        var key = f.RequestedHook("contract");
        Assert.Equal(new HookRunKey(HookType.PostPromotion, "contract", 2, f.Status.StartedAt!.Value), key);
        Assert.DoesNotContain(f.Last.Hooks, h => h.Key.Hook == "notify"); // one after the other

        f.SetHook("contract", HookPhase.Failed, attempts: 1, message: "exit code 1; last output: column users.legacy_id is still read");
        f.Settle();
        f.SetHook("notify", HookPhase.Succeeded);
        f.Settle();
        Assert.Null(f.Status.HooksToRun);
        Assert.Empty(f.Last.Hooks);
        Assert.Equal(2, f.Status.StableRevision); // nothing undone
        Assert.Equal(RolloutPhase.Healthy, f.Status.Phase);
        var failed = Assert.Single(f.Events, e => e.Reason == Reasons.HookFailed);
        Assert.Contains("postPromotion hook contract failed after 1 attempt: exit code 1; last output: column users.legacy_id is still read", failed.Message);
        Assert.Contains("revision 2 stays stable", failed.Message);
        Assert.Single(f.Events, e => e.Reason == Reasons.HookSucceeded && e.Message.Contains("notify", StringComparison.Ordinal));
    }

    [Fact]
    public void OnAbort_hooks_run_once_after_the_traffic_is_back_on_stable()
    {
        var f = Stable("canary", Job("rollback-cache", HookType.OnAbort));
        f.Spec = f.Spec with { Strategy = new CanaryStrategy([new SetWeightStep(20), new PauseStep(null)]) };
        f.Deploy(2);
        f.Settle();
        Assert.Equal(20, f.Weight(2));
        Assert.Empty(f.Last.Hooks);

        f.Status = RolloutCommands.Abort(f.Status).Status!;
        var plan = f.Pass();
        Assert.Equal(100, f.Weight(1)); // traffic back in the pass that asks for the hook
        Assert.Equal(new HookRunKey(HookType.OnAbort, "rollback-cache", 2, f.Status.StartedAt!.Value), Assert.Single(plan.Hooks).Key);

        f.Act();
        f.SetHook("rollback-cache", HookPhase.Succeeded);
        f.Settle();
        Assert.Null(f.Status.HooksToRun);
        Assert.Empty(f.Last.Hooks);
        Assert.True(f.Status.Aborted);
        Assert.Contains(f.Events, e => e.Reason == Reasons.HookSucceeded && e.Message == "onAbort hook rollback-cache succeeded");
    }

    [Theory]
    [MemberData(nameof(Strategies))]
    public void A_rollout_aborted_by_its_preRollout_hook_runs_its_onAbort_hooks_with_the_stable_revision_serving(string strategy)
    {
        var f = Stable(strategy, Job("migrate", HookType.PreRollout), Job("cleanup", HookType.OnAbort));
        f.Deploy(2);
        f.Settle();
        f.SetHook("migrate", HookPhase.Failed, message: "exit code 1");
        f.Settle();
        Assert.True(f.Status.Aborted);
        Assert.Equal(HookType.OnAbort, f.Status.HooksToRun);
        Assert.Equal(new HookRunKey(HookType.OnAbort, "cleanup", 2, f.Status.StartedAt!.Value), f.RequestedHook("cleanup"));
        AssertNothingMoved(f);

        f.SetHook("cleanup", HookPhase.Failed, attempts: 2, message: "exit code 3");
        f.Settle();
        Assert.Null(f.Status.HooksToRun);
        Assert.Contains(f.Events, e => e.Reason == Reasons.HookFailed && e.Message.StartsWith("onAbort hook cleanup failed after 2 attempts: exit code 3", StringComparison.Ordinal));
        AssertNothingMoved(f);
    }

    [Fact]
    public void An_abort_without_onAbort_hooks_asks_for_none()
    {
        var f = Stable("canary");
        f.Spec = f.Spec with { Strategy = new CanaryStrategy([new SetWeightStep(20), new PauseStep(null)]) };
        f.Deploy(2);
        f.Settle();
        f.Status = RolloutCommands.Abort(f.Status).Status!;
        f.Settle();
        Assert.Null(f.Status.HooksToRun);
        Assert.Empty(f.Last.Hooks);
    }

    [Fact]
    public void A_rollout_paused_by_a_user_keeps_asking_for_the_hook_it_waits_for()
    {
        var f = Stable("canary", Job("approve", HookType.ConfirmRollout));
        f.Deploy(2);
        f.Settle();
        f.SetHook("approve", HookPhase.Running, attempts: 3);
        f.Status = RolloutCommands.Pause(f.Status, f.Spec).Status!;
        f.Settle();
        Assert.Equal(Reasons.PausedByUser, f.Status.Reason);
        Assert.Equal(["approve"], f.Last.Hooks.Select(h => h.Key.Hook));
        AssertNothingMoved(f);

        f.SetHook("approve", HookPhase.Succeeded);
        f.Status = RolloutCommands.Resume(f.Status, f.Now).Status!;
        f.Settle();
        Assert.Equal(2, f.Status.StableRevision);
    }

    [Fact]
    public void Hooks_added_to_a_rollout_in_flight_do_not_take_its_running_instances_away()
    {
        var f = Stable("canary");
        f.Spec = f.Spec with { Strategy = new CanaryStrategy([new SetWeightStep(20), new PauseStep(null)]) };
        f.Deploy(2);
        f.Settle();
        Assert.True(f.Runs(2));
        f.Spec = f.Spec with { Hooks = [Job("migrate", HookType.PreRollout), Job("approve", HookType.ConfirmRollout)] };
        f.Settle();
        Assert.True(f.Runs(2));
        Assert.Equal(20, f.Weight(2));
        Assert.Equal(Reasons.CanaryPauseStep, f.Status.Reason);
        Assert.Empty(f.Last.Hooks);
    }
}
