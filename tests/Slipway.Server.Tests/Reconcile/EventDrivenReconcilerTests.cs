using Slipway.Core.Rollouts;
using Slipway.Server.Reconcile;

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
        var before = new Dictionary<AppKey, long>(_h.Reconciler.Passes);

        await _h.ApplyAsync(Name(7), "v2", replicas: 1, minReadySeconds: 0);
        await EventuallyAsync(() => _h.Target.Instances.Any(i => i.App == Name(7) && i.Revision == 2), "the new revision's instance started");
        _h.Target.MakeReady(i => i.App == Name(7), _h.Time.GetUtcNow());
        await EventuallyAsync(async () => (await _h.Store.GetStatusAsync(Name(7), "dev", default)).Phase == RolloutPhase.Paused, "the canary paused at its step");
        Assert.Null((await _h.Rollouts.PromoteAsync(Name(7), "dev", full: true, default)).Refusal);
        await HealthyAsync(Name(7), revision: 2);
        await QuietAsync();

        var changed = _h.Reconciler.Passes.Where(p => before.GetValueOrDefault(p.Key) != p.Value).Select(p => p.Key).ToList();
        Assert.Equal([new AppKey(Name(7), "dev")], changed);
        Assert.InRange(_h.Reconciler.Passes[new AppKey(Name(7), "dev")] - before[new AppKey(Name(7), "dev")], 2, 20);
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
        var before = _h.Reconciler.Passes.Values.Sum();

        _h.Time.Advance(TimeSpan.FromMinutes(4));
        await QuietAsync();
        Assert.Equal(before, _h.Reconciler.Passes.Values.Sum());

        // The resync (every 5 minutes by default) looks at every app once, as a safety net.
        _h.Time.Advance(TimeSpan.FromMinutes(1));
        await EventuallyAsync(() => _h.Reconciler.Passes.Values.Sum() == before + 20, "one resync pass per app");
    }

    private static string Name(int n) => $"app{n:D3}";

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
            var now = _h.Reconciler.Passes.Values.Sum();
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
