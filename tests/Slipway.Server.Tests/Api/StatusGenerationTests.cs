using Slipway.Core.Rollouts;
using Slipway.Server.Api;
using Slipway.Server.Tests.Reconcile;

namespace Slipway.Server.Tests.Api;

/// <summary>
/// The status document tells a status from before the latest change: right after an apply or a command, what the
/// reconciler last planned still shows (its traffic is what is served), with an <c>observedGeneration</c> below the
/// stored <c>generation</c> until its next pass — so that <c>apply &amp;&amp; rollout status</c> never takes the previous
/// revision's health for the new one's.
/// </summary>
public sealed class StatusGenerationTests : IAsyncLifetime
{
    private ControlPlaneHarness _h = null!;

    private static CancellationToken Ct => CancellationToken.None;

    public async Task InitializeAsync() => _h = await ControlPlaneHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task After_an_apply_the_status_is_marked_not_yet_observed_until_the_next_pass()
    {
        await _h.ApplyAsync("web", "v1", replicas: 1, minReadySeconds: 0);
        await _h.SettleAsync(TimeSpan.FromSeconds(1));
        var healthy = await ViewAsync();
        Assert.Equal(("Healthy", 1, 1), (healthy.Phase, healthy.StableRevision, healthy.DesiredRevision));
        Assert.Equal(healthy.Generation, healthy.ObservedGeneration);

        await _h.ApplyAsync("web", "v2", replicas: 1, minReadySeconds: 0);

        var stale = await ViewAsync();
        Assert.Equal(("Healthy", 1, 2), (stale.Phase, stale.StableRevision, stale.DesiredRevision));
        Assert.True(stale.ObservedGeneration < stale.Generation, $"observed {stale.ObservedGeneration}, generation {stale.Generation}");

        await _h.Reconciler.ReconcileAllAsync(Ct);
        var current = await ViewAsync();
        Assert.Equal(current.Generation, current.ObservedGeneration);
        Assert.NotEqual("Healthy", current.Phase);
        Assert.Equal(2, current.CanaryRevision);
    }

    [Fact]
    public async Task A_command_is_not_observed_before_the_next_pass_and_the_steps_and_timed_pause_end_are_shown()
    {
        await _h.ApplyAsync("web", "v1", replicas: 1, minReadySeconds: 0);
        await _h.SettleAsync(TimeSpan.FromSeconds(1));
        await _h.ApplyAsync("web", "v2", replicas: 1, minReadySeconds: 0);
        await _h.SettleAsync(TimeSpan.FromSeconds(1));
        var paused = await ViewAsync();
        Assert.Equal(("Paused", 1), (paused.Phase, paused.CurrentStepIndex));
        Assert.Equal([new StepView(0, "setWeight", "setWeight 10"), new StepView(1, "pause", "pause (until promoted)")], paused.Steps);
        Assert.Null(paused.PauseEndsAt);

        await _h.Rollouts.PromoteAsync("web", "dev", full: false, Ct);
        var stale = await ViewAsync();
        Assert.Equal("Paused", stale.Phase);
        Assert.True(stale.ObservedGeneration < stale.Generation);
    }

    [Fact]
    public async Task A_view_of_a_deleted_app_is_never_shown_for_a_new_app_of_the_same_name()
    {
        await _h.ApplyAsync("web", "v1", replicas: 1, minReadySeconds: 0);
        await _h.SettleAsync(TimeSpan.FromSeconds(1));
        await _h.Store.DeleteAppAsync("web", "dev", Ct);
        await _h.ApplyAsync("web", "v9", replicas: 1, minReadySeconds: 0);

        var view = await ViewAsync();

        Assert.Equal(("Progressing", null), (view.Phase, view.StableRevision));
        Assert.Equal(view.Generation, view.ObservedGeneration);
    }

    private async Task<StatusView> ViewAsync()
    {
        var record = (await _h.Store.GetAppAsync("web", "dev", Ct))!;
        var status = await _h.Store.GetStatusAsync("web", "dev", Ct);
        return StatusViews.Build(record, status, _h.Reconciler.View("web", "dev"), _h.Target.Instances, "http://127.0.0.1:8080");
    }
}
