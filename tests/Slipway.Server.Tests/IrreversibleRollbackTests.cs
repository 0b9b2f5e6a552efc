using Slipway.Core.Rollouts;
using Slipway.Server.Tests.Reconcile;

namespace Slipway.Server.Tests;

/// <summary>
/// A release declared irreversible, rolled out through the real store, apply and rollout services: undo past it, and
/// an apply of an older spec (a git revert), are refused with the release and its reason and change nothing; forced,
/// they go through and the event log records who and why; status then says what was not rolled back.
/// </summary>
public sealed class IrreversibleRollbackTests : IAsyncLifetime
{
    private const string Reason = "drops column users.legacy_id";
    private static readonly RollbackOverride Bob = new("bob@ops", "legacy_id has been unused since v40");
    private ControlPlaneHarness _h = null!;

    private static CancellationToken Ct => CancellationToken.None;

    public async Task InitializeAsync() => _h = await ControlPlaneHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Undo_past_an_irreversible_release_is_refused_until_forced_and_the_forced_one_is_recorded()
    {
        await RollOutIrreversibleAsync();
        var events = (await _h.Store.ListEventsAsync("web", "dev", 100, Ct)).Count;

        var refused = await _h.Rollouts.UndoAsync("web", "dev", null, null, Ct);

        Assert.Contains("revision 2 (drops column users.legacy_id)", refused.Refusal?.Message, StringComparison.Ordinal);
        Assert.Contains("--force --reason", refused.Refusal?.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await _h.Store.GetAppAsync("web", "dev", Ct))!.DesiredRevision);
        Assert.Equal(events, (await _h.Store.ListEventsAsync("web", "dev", 100, Ct)).Count);

        var forced = await _h.Rollouts.UndoAsync("web", "dev", null, Bob, Ct);
        Assert.Null(forced.Refusal);
        await _h.SettleAsync(TimeSpan.FromSeconds(1));

        var status = await _h.Store.GetStatusAsync("web", "dev", Ct);
        Assert.Equal((RolloutPhase.Healthy, 1), (status.Phase, status.StableRevision));
        Assert.Equal([2], status.NotRolledBack().Select(c => c.Revision));
        var recorded = (await _h.Store.ListEventsAsync("web", "dev", 100, Ct)).Single(e => e.Reason == Reasons.ForcedRollback);
        Assert.Equal(
            "rollback to revision 1 forced by bob@ops past revision 2 (drops column users.legacy_id): \"legacy_id has been unused since v40\"",
            recorded.Message);
    }

    [Fact]
    public async Task Applying_an_older_revision_s_spec_again_is_a_rollback_and_is_refused_until_forced()
    {
        await RollOutIrreversibleAsync();

        var refused = await _h.ApplyOutcomeAsync("web", "v1", replicas: 1, minReadySeconds: 0);

        var error = Assert.Single(refused.Errors);
        Assert.Equal("metadata.name", error.Path);
        Assert.StartsWith("web/dev: this spec is revision 1's: applying it rolls back; going back to revision 1 would not undo", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await _h.Store.GetAppAsync("web", "dev", Ct))!.DesiredRevision);

        var forced = await _h.ApplyOutcomeAsync("web", "v1", replicas: 1, minReadySeconds: 0, force: Bob);
        Assert.Empty(forced.Errors);
        Assert.Equal(1, (await _h.Store.GetAppAsync("web", "dev", Ct))!.DesiredRevision);
        Assert.Contains(await _h.Store.ListEventsAsync("web", "dev", 100, Ct), e => e.Reason == Reasons.ForcedRollback && e.Message.Contains("bob@ops", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rolling_forward_after_the_release_needs_no_force()
    {
        await RollOutIrreversibleAsync();

        var next = await _h.ApplyOutcomeAsync("web", "v3", replicas: 1, minReadySeconds: 0);

        Assert.Empty(next.Errors);
        Assert.Equal(3, (await _h.Store.GetAppAsync("web", "dev", Ct))!.DesiredRevision);
    }

    private async Task RollOutIrreversibleAsync()
    {
        await _h.ApplyAsync("web", "v1", replicas: 1, minReadySeconds: 0);
        await _h.SettleAsync(TimeSpan.FromSeconds(1));
        await _h.ApplyAsync("web", "v2", replicas: 1, minReadySeconds: 0, irreversible: Reason);
        await _h.SettleAsync(TimeSpan.FromSeconds(1));
        await _h.Rollouts.PromoteAsync("web", "dev", full: true, Ct);
        await _h.SettleAsync(TimeSpan.FromSeconds(1));
        var status = await _h.Store.GetStatusAsync("web", "dev", Ct);
        Assert.Equal((RolloutPhase.Healthy, 2), (status.Phase, status.StableRevision));
        Assert.Equal([2], status.IrreversibleChanges.Select(c => c.Revision));
    }
}
