using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Slipway.Core.Rollouts;
using Slipway.Server.Apply;
using Slipway.Server.Reconcile;
using Slipway.Server.Targets;
using Slipway.Server.Tests.Support;
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

    private readonly TemporaryDirectory _temp = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
    private readonly FakeTarget _target = new();
    private readonly ReconcileSignal _signal = new();
    private readonly ControlPlaneLock _gate = new();
    private SqliteStore _store = null!;
    private ApplyService _apply = null!;
    private RolloutService _rollouts = null!;
    private Reconciler _reconciler = null!;

    private static CancellationToken Ct => CancellationToken.None;

    public async Task InitializeAsync()
    {
        _temp.WriteFile("artifact/app.dll", "code");
        _store = await SqliteStore.OpenAsync(_temp.Combine("data", "slipway.db"), _time, Ct);
        var options = new ServerOptions(_temp.Combine("data"));
        _apply = new ApplyService(_store, new ArtifactStore(options), _gate, _time, _signal, options);
        _rollouts = new RolloutService(_store, _gate, _signal, _apply, _time);
        _reconciler = new Reconciler(_store, _gate, _signal, _target, _time, NullLogger<Reconciler>.Instance);
    }

    public Task DisposeAsync()
    {
        _reconciler.Dispose();
        _temp.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_new_app_is_started_then_served_once_its_instances_are_available()
    {
        await ApplyAsync("web", "v1");

        await _reconciler.PassAsync(Ct);
        var launched = _target.Instances;
        Assert.Equal(2, launched.Count);
        Assert.All(launched, i => Assert.Equal((1, "web"), (i.Revision, i.App)));
        Assert.Empty(Serving("web"));

        _target.MakeReady(_ => true, _time.GetUtcNow());
        _time.Advance(MinReady);
        await _reconciler.PassAsync(Ct);

        var status = await _store.GetStatusAsync("web", "dev", Ct);
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
        var status = await _store.GetStatusAsync("web", "dev", Ct);
        Assert.Equal((RolloutPhase.Paused, 10), (status.Phase, status.CanaryWeight));
        var canary = _target.Instances.Single(i => i.Revision == 2).Id;

        Assert.Null(await _rollouts.AbortAsync("web", "dev", Ct));
        RolloutStatus? persistedAtPublish = null;
        _target.OnPublish = async () => persistedAtPublish ??= await _store.GetStatusAsync("web", "dev", Ct);
        _target.Calls.Clear();
        await _reconciler.PassAsync(Ct);

        Assert.Equal(RolloutPhase.Degraded, persistedAtPublish!.Phase);
        Assert.Equal(Reasons.AbortedByUser, persistedAtPublish.Reason);
        Assert.Equal(["publish " + _target.Published.Count, $"stop {canary} after {_target.Published.Count}"], _target.Calls);
        Assert.Equal([new WeightedRevision(1, 100)], Traffic("web").Plan.Main);
        Assert.DoesNotContain(canary, Serving("web"));
    }

    [Fact]
    public async Task One_app_that_fails_is_that_apps_error_and_the_others_go_on()
    {
        await ApplyAsync("bad", "v1");
        await ApplyAsync("good", "v1");
        await CorruptStatusAsync("bad");

        await _reconciler.PassAsync(Ct);

        Assert.Equal(2, _target.Instances.Count(i => i.App == "good"));
        Assert.DoesNotContain(_target.Instances, i => i.App == "bad");
        Assert.StartsWith("reconcile failed:", _reconciler.View("bad", "dev")!.Error);
        Assert.Null(_reconciler.View("good", "dev")!.Error);
    }

    [Fact]
    public async Task An_instance_that_cannot_start_does_not_stop_the_pass()
    {
        await ApplyAsync("broken", "v1");
        await ApplyAsync("web", "v1");
        _target.Unstartable.Add("broken");

        await _reconciler.PassAsync(Ct);

        Assert.Equal(2, _target.Instances.Count(i => i.App == "web"));
    }

    [Fact]
    public async Task A_deleted_and_reapplied_app_never_takes_the_old_apps_instances_for_its_own()
    {
        await HealthyAsync("web", "alpha");
        var alpha = _target.Instances.Select(i => i.Id).ToHashSet();
        await _store.DeleteAppAsync("web", "dev", Ct);
        await ApplyAsync("web", "beta");

        await _reconciler.PassAsync(Ct);

        Assert.All(alpha, id => Assert.Contains($"stop {id} after {_target.Published.Count}", _target.Calls));
        var beta = _target.Instances.Where(i => !alpha.Contains(i.Id)).ToList();
        Assert.Equal(2, beta.Count);
        Assert.Empty(Serving("web"));

        _target.MakeReady(_ => true, _time.GetUtcNow());
        _time.Advance(MinReady);
        await _reconciler.PassAsync(Ct);
        Assert.Equal(beta.Select(i => i.Id).Order(), Serving("web"));
        var revision = Assert.Single(await _store.ListRevisionsAsync("web", "dev", Ct));
        Assert.Contains(revision.Template.Env, e => e.Value == "beta");
    }

    private async Task ApplyAsync(string app, string version)
    {
        var yaml = $"""
            apiVersion: slipway.dev/v1alpha1
            kind: Application
            metadata:
              name: {app}
            spec:
              artifact:
                path: ./artifact
              command: dotnet
              args: [app.dll]
              env:
                - name: VERSION
                  value: {version}
              replicas: 2
              strategy:
                canary:
                  steps:
                    - setWeight: 10
                    - pause: {"{}"}
            """;
        var outcome = await _apply.ApplyAsync(new ApplyRequest(_temp.Combine($"{app}.yaml"), yaml, _temp.Path), dryRun: false, Ct);
        Assert.Empty(outcome.Errors);
    }

    private async Task HealthyAsync(string app, string version)
    {
        await ApplyAsync(app, version);
        await SettleAsync();
        Assert.Equal(RolloutPhase.Healthy, (await _store.GetStatusAsync(app, "dev", Ct)).Phase);
    }

    /// <summary>Passes with every instance becoming ready and time moving on, until nothing starts or stops any more.</summary>
    private async Task SettleAsync()
    {
        for (var round = 0; round < 10; round++)
        {
            var before = string.Join(",", _target.Instances.Select(i => i.Id));
            await _reconciler.PassAsync(Ct);
            _target.MakeReady(_ => true, _time.GetUtcNow());
            _time.Advance(MinReady);
            await _reconciler.PassAsync(Ct);
            if (before == string.Join(",", _target.Instances.Select(i => i.Id)))
            {
                return;
            }
        }
    }

    private async Task CorruptStatusAsync(string app)
    {
        await using var connection = new SqliteConnection($"Data Source={_temp.Combine("data", "slipway.db")}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE rollouts SET status = '{not json' WHERE app = $app";
        command.Parameters.AddWithValue("$app", app);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    private AppTraffic Traffic(string app) => _target.LastTraffic.Single(t => t.App == app);

    private IEnumerable<string> Serving(string app) =>
        _target.LastTraffic.Where(t => t.App == app).SelectMany(t => t.Serving.Values.SelectMany(ids => ids)).Order();
}
