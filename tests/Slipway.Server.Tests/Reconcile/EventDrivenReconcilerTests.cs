using Slipway.Core.Rollouts;

namespace Slipway.Server.Tests.Reconcile;

/// <summary>
/// The reconciler running as the server runs it — workers taking app×envs from the queue — among many apps: a change
/// to one app (its spec, its instances, a command) is acted on by passes over that app only, and idle apps cost no
/// pass at all.
/// </summary>
public sealed class EventDrivenReconcilerTests : IAsyncLifetime
{
    private const int Apps = 200;

    private ControlPlaneHarness _h = null!;
    private CancellationTokenSource _stop = null!;

    public async Task InitializeAsync()
    {
        _h = await ControlPlaneHarness.StartAsync();
        _stop = new CancellationTokenSource();
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _h.Reconciler.StopAsync(CancellationToken.None);
        _stop.Dispose();
        await _h.DisposeAsync();
    }

    [Fact]
    public async Task A_change_to_one_app_among_many_is_acted_on_without_a_pass_over_the_others()
    {
        for (var n = 0; n < Apps; n++)
        {
            await _h.ApplyAsync(Name(n), "v1", replicas: 1, minReadySeconds: 0);
        }

        await _h.Reconciler.StartAsync(_stop.Token);
        await EventuallyAsync(() => _h.Target.Instances.Count == Apps, "an instance of every app started");
        _h.Target.MakeReady(_ => true, _h.Time.GetUtcNow());
        for (var n = 0; n < Apps; n++)
        {
            await HealthyAsync(Name(n), revision: 1);
        }

        await QuietAsync();
        var before = Passes();
        var readsBefore = _h.Metrics.StoreReads;

        await _h.ApplyAsync(Name(7), "v2", replicas: 1, minReadySeconds: 0);
        await EventuallyAsync(() => _h.Target.Instances.Any(i => i.App == Name(7) && i.Revision == 2), "the new revision's instance started");
        _h.Target.MakeReady(i => i.App == Name(7), _h.Time.GetUtcNow());
        await EventuallyAsync(async () => (await _h.Store.GetStatusAsync(Name(7), "dev", default)).Phase == RolloutPhase.Paused, "the canary paused at its step");
        Assert.Null((await _h.Rollouts.PromoteAsync(Name(7), "dev", full: true, default)).Refusal);
        await HealthyAsync(Name(7), revision: 2);
        await QuietAsync();

        var after = Passes();
        var changed = after.Where(p => before[p.Key] != p.Value).Select(p => p.Key).ToList();
        Assert.Equal([Name(7)], changed);
        var passes = after[Name(7)] - before[Name(7)];
        Assert.InRange(passes, 2, 20);
        // Each pass reads that app×env (its spec and status, its revisions when it starts an instance), never the list of apps.
        Assert.InRange(_h.Metrics.StoreReads - readsBefore, passes * 2, passes * 3);
    }

    [Fact]
    public async Task Idle_apps_cost_no_pass_until_the_resync()
    {
        for (var n = 0; n < 20; n++)
        {
            await _h.ApplyAsync(Name(n), "v1", replicas: 1, minReadySeconds: 0);
        }

        await _h.Reconciler.StartAsync(_stop.Token);
        _h.Target.MakeReady(_ => true, _h.Time.GetUtcNow());
        await EventuallyAsync(() => _h.Target.Instances.Count == 20, "an instance of every app started");
        _h.Target.MakeReady(_ => true, _h.Time.GetUtcNow());
        for (var n = 0; n < 20; n++)
        {
            await HealthyAsync(Name(n), revision: 1);
        }

        await QuietAsync();
        var before = Passes().Values.Sum();
        var readsBefore = _h.Metrics.StoreReads;

        _h.Time.Advance(TimeSpan.FromMinutes(4));
        await QuietAsync();
        Assert.Equal(before, Passes().Values.Sum());
        Assert.Equal(readsBefore, _h.Metrics.StoreReads);

        // The resync (every 5 minutes by default) looks at every app once, as a safety net.
        _h.Time.Advance(TimeSpan.FromMinutes(1));
        await EventuallyAsync(() => Passes().Values.Sum() == before + 20, "one resync pass per app");
    }

    private static string Name(int n) => $"app{n:D3}";

    /// <summary>Passes so far per app, as the reconciler's metrics count them.</summary>
    private Dictionary<string, long> Passes() =>
        Enumerable.Range(0, Apps).Select(Name).ToDictionary(app => app, app => _h.Metrics.Reconciles(app, "dev"));

    private async Task HealthyAsync(string app, int revision) =>
        await EventuallyAsync(
            async () => await _h.Store.GetStatusAsync(app, "dev", default) is { Phase: RolloutPhase.Healthy } status && status.StableRevision == revision,
            $"{app} Healthy at revision {revision}");

    /// <summary>Waits until the queue is empty and no pass has run for a while (wall clock: the workers are real).</summary>
    private async Task QuietAsync()
    {
        var last = -1L;
        for (var stable = 0; stable < 5;)
        {
            var now = Passes().Values.Sum();
            stable = now == last && _h.Queue.Depth == 0 ? stable + 1 : 0;
            last = now;
            await Task.Delay(50);
        }
    }

    private static Task EventuallyAsync(Func<bool> condition, string what) => EventuallyAsync(() => Task.FromResult(condition()), what);

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await condition())
        {
            if (DateTime.UtcNow > until)
            {
                throw new Xunit.Sdk.XunitException($"timed out waiting for: {what}");
            }

            await Task.Delay(20);
        }
    }
}
