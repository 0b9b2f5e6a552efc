using Slipway.Core.Rollouts;
using Slipway.Server.Reconcile;
using Slipway.Server.Tests.Reconcile;
using Slipway.Store;
using Microsoft.Extensions.Logging.Abstractions;

namespace Slipway.Server.Tests;

/// <summary>
/// Pause, resume and undo to a revision through the rollout service, with the real store and reconciler and a fake
/// target: each answers with what it did, a pause holds the rollout and outlives a restart of the control plane.
/// </summary>
public sealed class RolloutPauseUndoTests : IAsyncLifetime
{
    private ControlPlaneHarness _h = null!;

    private static CancellationToken Ct => CancellationToken.None;

    public async Task InitializeAsync() => _h = await ControlPlaneHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Pause_holds_the_canary_promote_is_refused_until_resume_and_each_command_says_what_it_did()
    {
        await DeployAsync("v1");
        await ApplyAsync("v2");
        await _h.Reconciler.ReconcileAllAsync(Ct); // the canary instance starts; setWeight 10 waits for it

        Assert.Equal("web: paused at step 1 of 2", await DoneAsync(_h.Rollouts.PauseAsync("web", "dev", Ct)));
        await SettleAsync();

        var status = await _h.Store.GetStatusAsync("web", "dev", Ct);
        Assert.Equal((RolloutPhase.Paused, Reasons.PausedByUser, 0, 0), (status.Phase, status.Reason, status.CurrentStepIndex, status.CanaryWeight));
        Assert.Single(_h.Target.Instances, i => i.Revision == 2);
        Assert.Equal("the rollout is paused by a user: resume it first", await RefusedAsync(_h.Rollouts.PromoteAsync("web", "dev", full: true, Ct)));
        var paused = (await _h.Store.ListEventsAsync("web", "dev", 10, Ct)).Single(e => e.Reason == Reasons.PausedByUser);
        Assert.Equal((2, "paused at step 1 of 2"), (paused.Revision, paused.Message));

        Assert.Equal("web: resumed", await DoneAsync(_h.Rollouts.ResumeAsync("web", "dev", Ct)));
        await SettleAsync();
        status = await _h.Store.GetStatusAsync("web", "dev", Ct);
        Assert.Equal((RolloutPhase.Paused, Reasons.CanaryPauseStep, 10), (status.Phase, status.Reason, status.CanaryWeight));

        Assert.Equal(
            "web: promoted: last step done; revision 2 takes all traffic once all its instances are available",
            await DoneAsync(_h.Rollouts.PromoteAsync("web", "dev", full: false, Ct)));
        await SettleAsync();
        Assert.Equal((RolloutPhase.Healthy, 2), await PhaseAndStableAsync());
    }

    [Fact]
    public async Task A_pause_is_in_the_store_and_a_restarted_control_plane_keeps_holding()
    {
        await DeployAsync("v1");
        await _h.Rollouts.PauseAsync("web", "dev", Ct);
        await ApplyAsync("v2");
        await SettleAsync();
        Assert.DoesNotContain(_h.Target.Instances, i => i.Revision == 2);

        // A new store and reconciler on the same file: what a server restart reads.
        var reopened = await SqliteStore.OpenAsync(_h.StorePath, _h.Time, Ct);
        Assert.True((await reopened.GetStatusAsync("web", "dev", Ct)).PausedByUser);
        using var restarted = _h.NewReconciler(reopened);
        await restarted.ReconcileAllAsync(Ct);
        var status = await reopened.GetStatusAsync("web", "dev", Ct);
        Assert.Equal((RolloutPhase.Paused, Reasons.PausedByUser, 1), (status.Phase, status.Reason, status.StableRevision));
        Assert.DoesNotContain(_h.Target.Instances, i => i.Revision == 2);
    }

    [Fact]
    public async Task Undo_to_a_revision_rolls_it_out_and_an_unknown_or_current_one_is_refused()
    {
        await DeployAsync("v1");
        foreach (var version in new[] { "v2", "v3" })
        {
            await ApplyAsync(version);
            await SettleAsync();
            await _h.Rollouts.PromoteAsync("web", "dev", full: true, Ct);
            await SettleAsync();
        }

        Assert.Equal((RolloutPhase.Healthy, 3), await PhaseAndStableAsync());
        var events = (await _h.Store.ListEventsAsync("web", "dev", 100, Ct)).Count;
        Assert.Equal("there is no revision 7: the revisions are 1 to 3", await RefusedAsync(_h.Rollouts.UndoAsync("web", "dev", 7, null, Ct)));
        Assert.Equal("revision 3 is already the current revision", await RefusedAsync(_h.Rollouts.UndoAsync("web", "dev", 3, null, Ct)));
        Assert.Equal(events, (await _h.Store.ListEventsAsync("web", "dev", 100, Ct)).Count);

        Assert.Equal(
            "web: rolling back to revision 1: known good, it rolls out without canary steps or pauses",
            await DoneAsync(_h.Rollouts.UndoAsync("web", "dev", 1, null, Ct)));
        await SettleAsync();

        Assert.Equal((RolloutPhase.Healthy, 1), await PhaseAndStableAsync());
        Assert.Equal(1, (await _h.Store.GetAppAsync("web", "dev", Ct))!.DesiredRevision);
        Assert.All(_h.Target.Instances, i => Assert.Equal(1, i.Revision));
    }

    private static async Task<string?> DoneAsync(Task<CommandReply> command)
    {
        var reply = await command;
        Assert.Null(reply.Refusal);
        return reply.Message;
    }

    private static async Task<string?> RefusedAsync(Task<CommandReply> command)
    {
        var reply = await command;
        Assert.Null(reply.Message);
        return reply.Refusal?.Message;
    }

    private async Task<(RolloutPhase, int?)> PhaseAndStableAsync()
    {
        var status = await _h.Store.GetStatusAsync("web", "dev", Ct);
        return (status.Phase, status.StableRevision);
    }

    private async Task DeployAsync(string version)
    {
        await ApplyAsync(version);
        await SettleAsync();
    }

    private Task ApplyAsync(string version) => _h.ApplyAsync("web", version, replicas: 1, minReadySeconds: 0);

    private Task SettleAsync() => _h.SettleAsync(TimeSpan.FromSeconds(1));
}
