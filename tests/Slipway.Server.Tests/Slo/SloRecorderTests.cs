namespace Slipway.Server.Tests.Slo;

/// <summary>
/// SLO recording from a real router's per-second counters: every request counted once, by the second, whoever reads
/// it and however often — the background recorder, the gate's own read, a restarted server backfilling what the router
/// still holds.
/// </summary>
public sealed class SloRecorderTests
{
    [Fact]
    public async Task Each_second_is_recorded_once_however_often_and_by_whichever_server_it_is_read()
    {
        await using var h = await SloHarness.StartAsync(errorEvery: 4);
        await h.Router.SendAsync(revision: 1, count: 20); // 5 of them fail
        await h.Router.SendAsync(revision: 2, count: 10);
        h.Time.Advance(TimeSpan.FromSeconds(3));

        Assert.Null(await h.Recorder.RecordAsync(h.App, CancellationToken.None));
        Assert.Equal((25.0, 30.0), await HourAsync(h));
        Assert.Null(await h.Recorder.RecordAsync(h.App, CancellationToken.None));
        Assert.Equal((25.0, 30.0), await HourAsync(h));

        // The server restarts: a new recorder reads everything the router holds, and adds only what is new.
        await h.Router.SendAsync(revision: 1, count: 8); // the 24th and 28th fail
        h.Time.Advance(TimeSpan.FromSeconds(40));
        await h.Router.SendAsync(revision: 2, count: 4);
        h.Time.Advance(TimeSpan.FromSeconds(3));
        Assert.Null(await h.NewRecorder().RecordAsync(h.App, CancellationToken.None));
        Assert.Equal((35.0, 42.0), await HourAsync(h));

        var progress = Assert.Single(await h.Store.ListSloProgressAsync("web", "prod", CancellationToken.None));
        Assert.Equal(SloHarness.Start.ToUnixTimeSeconds(), progress.Since); // the router started then
        Assert.Equal(h.Time.GetUtcNow().ToUnixTimeSeconds() - 2, progress.Through); // the last two seconds may still change
    }

    [Fact]
    public async Task A_router_that_does_not_answer_is_reported_and_nothing_is_recorded()
    {
        await using var h = await SloHarness.StartAsync(errorEvery: 4);
        var unreachable = new Slipway.Server.Slo.SloRecorder(
            h.Store,
            new Slipway.Server.Routing.RouterAdminClient(new HttpClient { BaseAddress = new Uri("http://127.0.0.1:1") }, h.Time),
            h.Time,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<Slipway.Server.Slo.SloRecorder>.Instance);

        Assert.StartsWith("cannot reach the router's admin endpoint 127.0.0.1:1", await unreachable.RecordAsync(h.App, CancellationToken.None), StringComparison.Ordinal);
        Assert.Empty(await h.Store.ListSloProgressAsync("web", "prod", CancellationToken.None));
    }

    private static async Task<(double Good, double Total)> HourAsync(SloHarness h)
    {
        var sums = await h.Store.SumSloAsync("web", "prod", "availability", [h.Time.GetUtcNow() - TimeSpan.FromHours(1)], CancellationToken.None);
        return (sums[0].Good, sums[0].Total);
    }
}
