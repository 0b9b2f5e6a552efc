using Slipway.Core.Rollouts;
using Slipway.Server.Tests.Reconcile;
using Slipway.Store;

namespace Slipway.Server.Tests;

/// <summary>
/// The rollout commands against a real store, with the reconciler and a fake target playing the rest: each command is
/// saved with its event, refused commands change nothing, and undo goes where <see cref="RolloutCommands.Undo"/> says.
/// </summary>
public sealed class RolloutServiceTests : IAsyncLifetime
{
    private ControlPlaneHarness _h = null!;

    private static CancellationToken Ct => CancellationToken.None;

    public async Task InitializeAsync() => _h = await ControlPlaneHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task A_command_on_an_unknown_app_is_refused()
    {
        Assert.Equal(new CommandRefusal("app web has no environment dev", AppNotFound: true), (await _h.Rollouts.PromoteAsync("web", "dev", full: false, Ct)).Refusal);
    }

    [Fact]
    public async Task A_refused_command_changes_nothing_and_records_nothing()
    {
        await DeployAsync("v1");
        var before = await _h.Store.ListEventsAsync("web", "dev", 100, Ct);

        Assert.Equal("no rollout is in progress", (await _h.Rollouts.PromoteAsync("web", "dev", full: false, Ct)).Refusal?.Message);
        Assert.Equal("no rollout is in progress", (await _h.Rollouts.AbortAsync("web", "dev", Ct)).Refusal?.Message);

        Assert.Equal(before.Count, (await _h.Store.ListEventsAsync("web", "dev", 100, Ct)).Count);
    }

    [Fact]
    public async Task Promote_is_saved_with_its_event_and_the_canary_goes_on()
    {
        await DeployAsync("v1");
        await ApplyAsync("v2");
        await SettleAsync();
        Assert.Equal(RolloutPhase.Paused, (await _h.Store.GetStatusAsync("web", "dev", Ct)).Phase);

        Assert.Null((await _h.Rollouts.PromoteAsync("web", "dev", full: false, Ct)).Refusal);

        var promoted = (await _h.Store.ListEventsAsync("web", "dev", 1, Ct)).Single();
        Assert.Equal((2, Reasons.Promoted), (promoted.Revision, promoted.Reason));
        await SettleAsync();
        Assert.Equal((RolloutPhase.Healthy, 2), await PhaseAndStableAsync());
    }

    [Fact]
    public async Task Undo_during_a_rollout_abandons_it_for_the_stable_revision()
    {
        await DeployAsync("v1");
        await ApplyAsync("v2");
        await SettleAsync();

        Assert.Null((await _h.Rollouts.UndoAsync("web", "dev", null, null, Ct)).Refusal);
        await SettleAsync();

        Assert.Equal((RolloutPhase.Healthy, 1), await PhaseAndStableAsync());
        Assert.Equal(1, (await _h.Store.GetAppAsync("web", "dev", Ct))!.DesiredRevision);
        Assert.DoesNotContain(_h.Target.Instances, i => i.Revision == 2);
    }

    [Fact]
    public async Task Undo_after_a_rollout_rolls_out_the_revision_stable_before_without_pausing()
    {
        await DeployAsync("v1");
        await ApplyAsync("v2");
        await SettleAsync();
        Assert.Null((await _h.Rollouts.PromoteAsync("web", "dev", full: true, Ct)).Refusal);
        await SettleAsync();
        Assert.Equal((RolloutPhase.Healthy, 2), await PhaseAndStableAsync());

        Assert.Null((await _h.Rollouts.UndoAsync("web", "dev", null, null, Ct)).Refusal);
        await SettleAsync();

        Assert.Equal((RolloutPhase.Healthy, 1), await PhaseAndStableAsync()); // no pause at the canary steps: known good
        Assert.Equal([2, 1], (await _h.Store.GetStatusAsync("web", "dev", Ct)).StableHistory);
        Assert.Equal("there is no previous revision to go back to", await NoPreviousAsync());
    }

    private async Task<string?> NoPreviousAsync()
    {
        await _h.Store.DeleteAppAsync("web", "dev", Ct);
        await DeployAsync("v9");
        return (await _h.Rollouts.UndoAsync("web", "dev", null, null, Ct)).Refusal?.Message;
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
