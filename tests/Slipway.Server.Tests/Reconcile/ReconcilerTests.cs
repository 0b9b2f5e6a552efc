using Microsoft.Data.Sqlite;
using Slipway.Core.Rollouts;
using Slipway.Server.Reconcile;
using Slipway.Server.Targets;
using Slipway.Store;

namespace Slipway.Server.Tests.Reconcile;

/// <summary>
/// The reconciler as an executor, against a real SQLite store and a fake target: it persists what the planner
/// decided before acting, moves traffic before stopping anything, keeps one app's failure to that app, and never
/// takes a deleted app's instances for a new app's.
/// </summary>
public sealed class ReconcilerTests : IAsyncLifetime
{
    private static readonly TimeSpan MinReady = TimeSpan.FromSeconds(5);

    private ControlPlaneHarness _h = null!;

    private static CancellationToken Ct => CancellationToken.None;

    public async Task InitializeAsync() => _h = await ControlPlaneHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task A_new_app_is_started_then_served_once_its_instances_are_available()
    {
        await ApplyAsync("web", "v1");

        await _h.Reconciler.ReconcileAllAsync(Ct);
        var launched = _h.Target.Instances;
        Assert.Equal(2, launched.Count);
        Assert.All(launched, i => Assert.Equal((1, "web"), (i.Revision, i.App)));
        Assert.Empty(Serving("web"));

        _h.Target.MakeReady(_ => true, _h.Time.GetUtcNow());
        _h.Time.Advance(MinReady);
        await _h.Reconciler.ReconcileAllAsync(Ct);

        var status = await _h.Store.GetStatusAsync("web", "dev", Ct);
        Assert.Equal((RolloutPhase.Healthy, 1), (status.Phase, status.StableRevision));
        Assert.Equal(launched.Select(i => i.Id).Order(), Serving("web"));
        Assert.Equal([new WeightedRevision(1, 100)], Traffic("web").Plan.Main);
    }

    [Fact]
    public async Task An_abort_is_persisted_before_the_target_acts_and_traffic_leaves_the_canary_before_it_is_stopped()
    {
        await HealthyAsync("web", "v1");
        await ApplyAsync("web", "v2");
        await SettleAsync();
        var status = await _h.Store.GetStatusAsync("web", "dev", Ct);
        Assert.Equal((RolloutPhase.Paused, 10), (status.Phase, status.CanaryWeight));
        var canary = _h.Target.Instances.Single(i => i.Revision == 2).Id;

        Assert.Null((await _h.Rollouts.AbortAsync("web", "dev", Ct)).Refusal);
        RolloutStatus? persistedAtPublish = null;
        _h.Target.OnPublish = async () => persistedAtPublish ??= await _h.Store.GetStatusAsync("web", "dev", Ct);
        _h.Target.Calls.Clear();
        await _h.Reconciler.ReconcileAllAsync(Ct);

        Assert.Equal(RolloutPhase.Degraded, persistedAtPublish!.Phase);
        Assert.Equal(Reasons.AbortedByUser, persistedAtPublish.Reason);
        Assert.Equal(["publish " + _h.Target.Published.Count, $"stop {canary} after {_h.Target.Published.Count}"], _h.Target.Calls);
        Assert.Equal([new WeightedRevision(1, 100)], Traffic("web").Plan.Main);
        Assert.DoesNotContain(canary, Serving("web"));
    }

    [Fact]
    public async Task One_app_that_fails_is_that_apps_error_and_the_others_go_on()
    {
        await ApplyAsync("bad", "v1");
        await ApplyAsync("good", "v1");
        await CorruptStatusAsync("bad");

        await _h.Reconciler.ReconcileAllAsync(Ct);

        Assert.Equal(2, _h.Target.Instances.Count(i => i.App == "good"));
        Assert.DoesNotContain(_h.Target.Instances, i => i.App == "bad");
        Assert.StartsWith("reconcile failed:", _h.Reconciler.View("bad", "dev")!.Error);
        Assert.Null(_h.Reconciler.View("good", "dev")!.Error);
    }

    [Fact]
    public async Task An_instance_that_cannot_start_does_not_stop_the_pass()
    {
        await ApplyAsync("broken", "v1");
        await ApplyAsync("web", "v1");
        _h.Target.Unstartable.Add("broken");

        await _h.Reconciler.ReconcileAllAsync(Ct);

        Assert.Equal(2, _h.Target.Instances.Count(i => i.App == "web"));
    }

    [Fact]
    public async Task A_deleted_and_reapplied_app_never_takes_the_old_apps_instances_for_its_own()
    {
        await HealthyAsync("web", "alpha");
        var alpha = _h.Target.Instances.Select(i => i.Id).ToHashSet();
        await _h.Store.DeleteAppAsync("web", "dev", Ct);
        await ApplyAsync("web", "beta");

        await _h.Reconciler.ReconcileAllAsync(Ct);

        Assert.All(alpha, id => Assert.Contains($"stop {id} after {_h.Target.Published.Count}", _h.Target.Calls));
        var beta = _h.Target.Instances.Where(i => !alpha.Contains(i.Id)).ToList();
        Assert.Equal(2, beta.Count);
        Assert.Empty(Serving("web"));

        _h.Target.MakeReady(_ => true, _h.Time.GetUtcNow());
        _h.Time.Advance(MinReady);
        await _h.Reconciler.ReconcileAllAsync(Ct);
        Assert.Equal(beta.Select(i => i.Id).Order(), Serving("web"));
        var revision = Assert.Single(await _h.Store.ListRevisionsAsync("web", "dev", Ct));
        Assert.Contains(revision.Template.Env, e => e.Value == "beta");
    }

    private Task ApplyAsync(string app, string version) => _h.ApplyAsync(app, version);

    private async Task HealthyAsync(string app, string version)
    {
        await ApplyAsync(app, version);
        await SettleAsync();
        Assert.Equal(RolloutPhase.Healthy, (await _h.Store.GetStatusAsync(app, "dev", Ct)).Phase);
    }

    private Task SettleAsync() => _h.SettleAsync(MinReady, rounds: 4);

    private async Task CorruptStatusAsync(string app)
    {
        await using var connection = new SqliteConnection($"Data Source={_h.StorePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE rollouts SET status = '{not json' WHERE app = $app";
        command.Parameters.AddWithValue("$app", app);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    private AppTraffic Traffic(string app) => _h.Target.LastTraffic.Single(t => t.App == app);

    private IEnumerable<string> Serving(string app) =>
        _h.Target.LastTraffic.Where(t => t.App == app).SelectMany(t => t.Serving.Values.SelectMany(ids => ids)).Order();
}
