using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Slipway.Core.Rollouts;
using Slipway.Server.Apply;
using Slipway.Server.Reconcile;
using Slipway.Server.Tests.Reconcile;
using Slipway.Server.Tests.Support;
using Slipway.Store;

namespace Slipway.Server.Tests;

/// <summary>
/// The rollout commands against a real store, with the reconciler and a fake target playing the rest: each command is
/// saved with its event, refused commands change nothing, and undo goes where <see cref="RolloutCommands.Undo"/> says.
/// </summary>
public sealed class RolloutServiceTests : IAsyncLifetime
{
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
    public async Task A_command_on_an_unknown_app_is_refused()
    {
        Assert.Equal(new CommandRefusal("app web has no environment dev", AppNotFound: true), await _rollouts.PromoteAsync("web", "dev", full: false, Ct));
    }

    [Fact]
    public async Task A_refused_command_changes_nothing_and_records_nothing()
    {
        await DeployAsync("v1");
        var before = await _store.ListEventsAsync("web", "dev", 100, Ct);

        Assert.Equal("no rollout is in progress", (await _rollouts.PromoteAsync("web", "dev", full: false, Ct))?.Message);
        Assert.Equal("no rollout is in progress", (await _rollouts.AbortAsync("web", "dev", Ct))?.Message);

        Assert.Equal(before.Count, (await _store.ListEventsAsync("web", "dev", 100, Ct)).Count);
    }

    [Fact]
    public async Task Promote_is_saved_with_its_event_and_the_canary_goes_on()
    {
        await DeployAsync("v1");
        await ApplyAsync("v2");
        await SettleAsync();
        Assert.Equal(RolloutPhase.Paused, (await _store.GetStatusAsync("web", "dev", Ct)).Phase);

        Assert.Null(await _rollouts.PromoteAsync("web", "dev", full: false, Ct));

        var promoted = (await _store.ListEventsAsync("web", "dev", 1, Ct)).Single();
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

        Assert.Null(await _rollouts.UndoAsync("web", "dev", Ct));
        await SettleAsync();

        Assert.Equal((RolloutPhase.Healthy, 1), await PhaseAndStableAsync());
        Assert.Equal(1, (await _store.GetAppAsync("web", "dev", Ct))!.DesiredRevision);
        Assert.DoesNotContain(_target.Instances, i => i.Revision == 2);
    }

    [Fact]
    public async Task Undo_after_a_rollout_rolls_out_the_revision_stable_before_without_pausing()
    {
        await DeployAsync("v1");
        await ApplyAsync("v2");
        await SettleAsync();
        Assert.Null(await _rollouts.PromoteAsync("web", "dev", full: true, Ct));
        await SettleAsync();
        Assert.Equal((RolloutPhase.Healthy, 2), await PhaseAndStableAsync());

        Assert.Null(await _rollouts.UndoAsync("web", "dev", Ct));
        await SettleAsync();

        Assert.Equal((RolloutPhase.Healthy, 1), await PhaseAndStableAsync()); // no pause at the canary steps: known good
        Assert.Equal([2, 1], (await _store.GetStatusAsync("web", "dev", Ct)).StableHistory);
        Assert.Equal("there is no previous revision to go back to", await NoPreviousAsync());
    }

    private async Task<string?> NoPreviousAsync()
    {
        await _store.DeleteAppAsync("web", "dev", Ct);
        await DeployAsync("v9");
        return (await _rollouts.UndoAsync("web", "dev", Ct))?.Message;
    }

    private async Task<(RolloutPhase, int?)> PhaseAndStableAsync()
    {
        var status = await _store.GetStatusAsync("web", "dev", Ct);
        return (status.Phase, status.StableRevision);
    }

    private async Task DeployAsync(string version)
    {
        await ApplyAsync(version);
        await SettleAsync();
    }

    private async Task ApplyAsync(string version)
    {
        var yaml = $"""
            apiVersion: slipway.dev/v1alpha1
            kind: Application
            metadata:
              name: web
            spec:
              artifact:
                path: ./artifact
              command: dotnet
              env:
                - name: VERSION
                  value: {version}
              replicas: 1
              minReadySeconds: 0
              strategy:
                canary:
                  steps:
                    - setWeight: 10
                    - pause: {"{}"}
            """;
        var outcome = await _apply.ApplyAsync(new ApplyRequest(_temp.Combine("web.yaml"), yaml, _temp.Path), dryRun: false, Ct);
        Assert.Empty(outcome.Errors);
    }

    private async Task SettleAsync()
    {
        for (var round = 0; round < 10; round++)
        {
            await _reconciler.PassAsync(Ct);
            _target.MakeReady(_ => true, _time.GetUtcNow());
            _time.Advance(TimeSpan.FromSeconds(1));
        }
    }
}
