using Slipway.Core.Rollouts;
using Slipway.Core.Spec;

namespace Slipway.Core.Tests.Rollouts;

/// <summary>
/// A release declared irreversible is recorded when its first instance starts; from then on undo and retry that would
/// go back past it are refused with its reason unless forced (and the forced one is recorded with who and why), and an
/// abort — by a user or by the rollout's own rules — still moves traffic back but says what it did not roll back.
/// </summary>
public sealed class IrreversibleChangeTests
{
    private const string Reason = "drops column users.legacy_id";
    private static readonly RollbackOverride Alice = new("alice@laptop", "legacy_id is unused since v40");

    [Fact]
    public void The_change_is_recorded_by_the_pass_that_starts_the_first_instance_of_the_release_and_once()
    {
        var f = CanaryPlannerTests.Stable();
        f.Spec = Irreversible(f.Spec);
        f.Deploy(2);

        var first = f.Pass();

        Assert.True(first.Start.GetValueOrDefault(2) > 0);
        var change = Assert.Single(first.Status.IrreversibleChanges);
        Assert.Equal((2, Reason, (string?)null, f.Now), (change.Revision, change.Reason, change.Hook, change.At));
        var e = Assert.Single(first.Events, e => e.Reason == Reasons.IrreversibleChange);
        Assert.Equal("revision 2 starts: a rollback will not undo what it changes (drops column users.legacy_id)", e.Message);

        f.Settle();
        Assert.Single(f.Status.IrreversibleChanges);
        Assert.Single(f.Events, e => e.Reason == Reasons.IrreversibleChange);
    }

    [Fact]
    public void A_release_not_declared_irreversible_records_nothing()
    {
        var f = CanaryPlannerTests.Stable();
        f.Deploy(2);
        f.Settle();

        Assert.Empty(f.Status.IrreversibleChanges);
        Assert.Null(RolloutCommands.Undo(f.Status).Error);
    }

    [Fact]
    public void Undo_past_the_change_is_refused_with_the_revision_and_the_reason_until_forced()
    {
        var f = PromotedIrreversible();

        var refused = RolloutCommands.Undo(f.Status, 1, [1, 2]);

        Assert.Null(refused.Revision);
        Assert.Equal(
            "going back to revision 1 would not undo what this changed: revision 2 (drops column users.legacy_id). Revision 1's code would run against that change. If that is safe, run the command again with --force --reason 'why' (it is recorded).",
            refused.Error);
        Assert.Equal(refused.Error, RolloutCommands.Undo(f.Status).Error); // plain undo goes to revision 1 too

        var forced = RolloutCommands.Undo(f.Status, 1, [1, 2], Alice);
        Assert.Equal(1, forced.Revision);
        Assert.Equal(Reasons.ForcedRollback, forced.Forced!.Reason);
        Assert.Equal("rollback to revision 1 forced by alice@laptop past revision 2 (drops column users.legacy_id): \"legacy_id is unused since v40\"", forced.Forced.Message);
    }

    [Fact]
    public void Undo_during_the_rollout_of_the_release_is_a_rollback_past_it_too()
    {
        var f = CanaryPlannerTests.Stable();
        f.Spec = Irreversible(f.Spec);
        f.Deploy(2);
        f.Settle(); // paused at the canary's first pause, revision 2 running

        var undo = RolloutCommands.Undo(f.Status);

        Assert.Contains("revision 2 (drops column users.legacy_id)", undo.Error, StringComparison.Ordinal);
        Assert.True(RolloutCommands.Undo(f.Status, force: Alice).AbandonsRollout);
    }

    [Fact]
    public void Going_forward_or_to_the_release_itself_needs_no_force()
    {
        var f = PromotedIrreversible();
        f.Spec = f.Spec with { Template = f.Spec.Template with { Irreversible = null, Args = ["v3"] } };
        f.Deploy(3);
        f.Status = RolloutCommands.Promote(f.Status, f.Spec, full: true).Status!;
        f.Settle();

        var back = RolloutCommands.Undo(f.Status, 2, [1, 2, 3]);

        Assert.Null(back.Error);
        Assert.Null(back.Forced);
        Assert.NotNull(RolloutCommands.Undo(f.Status, 1, [1, 2, 3]).Error);
    }

    [Fact]
    public void An_abort_moves_traffic_back_and_says_what_it_did_not_roll_back()
    {
        var f = CanaryPlannerTests.Stable();
        f.Spec = Irreversible(f.Spec);
        f.Deploy(2);
        f.Settle();

        f.Status = RolloutCommands.Abort(f.Status).Status!;
        var plan = f.Pass();

        Assert.Equal([(1, 100)], plan.Traffic.Main.Select(w => (w.Revision, w.Weight)));
        Assert.Equal([2], f.Status.NotRolledBack().Select(c => c.Revision));

        // The rollout's own abort (here the restart limit) says it in its event.
        var g = CanaryPlannerTests.Stable();
        g.Spec = Irreversible(g.Spec);
        g.Deploy(2);
        g.Settle();
        for (var n = 0; n <= g.Spec.MaxRestarts; n++)
        {
            g.Crash(2);
        }

        g.Pass();
        var aborted = Assert.Single(g.Events, e => e.Reason == Reasons.MaxRestartsExceeded);
        Assert.EndsWith("aborted, traffic back to stable; not rolled back: revision 2 (drops column users.legacy_id)", aborted.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Retry_of_a_revision_older_than_a_change_is_refused_until_forced()
    {
        // Revision 2 (irreversible) is stable; an undo to 1, forced, is aborted: retrying it is rolling back again.
        var f = PromotedIrreversible();
        f.Status = RolloutCommands.StartRevision(f.Status, 1, f.Now, fastTrack: true).Status!;
        f.Status = RolloutCommands.Abort(f.Status).Status!;

        Assert.Contains("revision 2 (drops column users.legacy_id)", RolloutCommands.Retry(f.Status, f.Now).Error, StringComparison.Ordinal);
        var forced = RolloutCommands.Retry(f.Status, f.Now, Alice);
        Assert.Equal(Reasons.ForcedRollback, forced.Event!.Reason);
        Assert.EndsWith("\"legacy_id is unused since v40\"; retried from the first step", forced.Event.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_irreversible_hook_is_recorded_once_it_has_succeeded_and_undo_past_it_then_needs_force()
    {
        var f = CanaryPlannerTests.Stable();
        var migrate = new Hooks.HookSpec("migrate", Hooks.HookType.PreRollout, new Hooks.JobHookAction("dotnet", ["Migrate.dll"], []), Hooks.HookSpec.DefaultTimeout, 0)
        {
            Irreversible = new IrreversibleSpec("adds column users.email_verified"),
        };
        f.Spec = f.Spec with { Hooks = [migrate], Template = f.Spec.Template with { Args = ["v2"] } };
        f.Deploy(2);
        f.Settle();
        f.SetHook("migrate", Hooks.HookPhase.Running);
        f.Settle();
        Assert.Empty(f.Status.IrreversibleChanges);

        f.SetHook("migrate", Hooks.HookPhase.Succeeded);
        f.Pass();

        var change = Assert.Single(f.Status.IrreversibleChanges);
        Assert.Equal((2, "adds column users.email_verified", "migrate"), (change.Revision, change.Reason, change.Hook));
        Assert.Contains(f.Events, e => e.Reason == Reasons.IrreversibleChange && e.Message.StartsWith("hook migrate of revision 2 succeeded", StringComparison.Ordinal));
        Assert.Contains("hook migrate of revision 2 (adds column users.email_verified)", RolloutCommands.Undo(f.Status).Error, StringComparison.Ordinal);
        f.Settle();
        Assert.Single(f.Status.IrreversibleChanges);
    }

    [Fact]
    public void The_status_keeps_a_bounded_number_of_changes()
    {
        var status = RolloutStatus.Empty;
        for (var revision = 1; revision <= IrreversibleChange.Kept + 5; revision++)
        {
            status = IrreversibleChange.Record(status, new IrreversibleChange(revision, Reason, null, DateTimeOffset.UnixEpoch));
            status = IrreversibleChange.Record(status, new IrreversibleChange(revision, Reason, null, DateTimeOffset.UnixEpoch));
        }

        Assert.Equal(Enumerable.Range(6, IrreversibleChange.Kept), status.IrreversibleChanges.Select(c => c.Revision));
    }

    private static ApplicationSpec Irreversible(ApplicationSpec spec) =>
        spec with { Template = spec.Template with { Args = ["v2"], Irreversible = new IrreversibleSpec(Reason) } };

    private static PlannerFixture PromotedIrreversible()
    {
        var f = CanaryPlannerTests.Stable();
        f.Spec = Irreversible(f.Spec);
        f.Deploy(2);
        f.Status = RolloutCommands.Promote(f.Status, f.Spec, full: true).Status!;
        f.Settle();
        Assert.Equal((RolloutPhase.Healthy, 2), (f.Status.Phase, f.Status.StableRevision));
        return f;
    }
}
