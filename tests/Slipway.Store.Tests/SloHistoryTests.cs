using Slipway.Core.Slo;
using Slipway.Store.Tests.Support;
using static Slipway.Store.Tests.Support.StoreSamples;

namespace Slipway.Store.Tests;

/// <summary>
/// SLO history: seconds added per minute, each second once however often it is recorded (a restarted server reading
/// again what the router still holds, two readers at once), windows summed in whole minutes, history kept across a
/// restart, and pruned by age.
/// </summary>
public sealed class SloHistoryTests : StoreTest
{
    // 2026-03-14 09:00:00 UTC: the start of a minute.
    private const long T0 = 1_773_478_800;

    [Fact]
    public async Task Seconds_are_added_to_their_minutes_and_the_history_starts_where_the_router_could_first_tell()
    {
        var added = await Store.RecordSloAsync("web", "prod", [Recording(from: T0 - 240, through: T0 + 61, (T0, 9, 10), (T0 + 59, 10, 10), (T0 + 60, 0, 5))], Ct);

        Assert.Equal(3, added);
        Assert.Equal(new SloProgress("availability", T0 - 240, T0 + 61), Assert.Single(await Store.ListSloProgressAsync("web", "prod", Ct)));
        Assert.Equal(
            [new SloCounts(19, 25), new SloCounts(0, 5)],
            await Store.SumSloAsync("web", "prod", "availability", [At(T0), At(T0 + 60)], Ct));
    }

    [Fact]
    public async Task The_same_seconds_recorded_again_count_once()
    {
        // A first read, then a restarted server reading everything the router still holds, overlapping the first.
        await Store.RecordSloAsync("web", "prod", [Recording(from: T0, through: T0 + 10, (T0 + 5, 9, 10))], Ct);
        var again = await Store.RecordSloAsync("web", "prod", [Recording(from: T0, through: T0 + 20, (T0 + 5, 9, 10), (T0 + 15, 1, 2))], Ct);

        Assert.Equal(1, again);
        Assert.Equal(new SloCounts(10, 12), (await Store.SumSloAsync("web", "prod", "availability", [At(T0)], Ct))[0]);

        // An older read arriving late (a reader that was slower) adds nothing and does not move the history back.
        Assert.Equal(0, await Store.RecordSloAsync("web", "prod", [Recording(from: T0, through: T0 + 12, (T0 + 11, 0, 100))], Ct));
        Assert.Equal(T0 + 20, Assert.Single(await Store.ListSloProgressAsync("web", "prod", Ct)).Through);
        Assert.Equal(new SloCounts(10, 12), (await Store.SumSloAsync("web", "prod", "availability", [At(T0)], Ct))[0]);
    }

    [Fact]
    public async Task Two_readers_recording_the_same_seconds_at_once_count_them_once()
    {
        var seconds = Enumerable.Range(0, 120).Select(i => (T0 + i, 9L, 10L)).ToArray();
        var readers = Enumerable.Range(0, 8).Select(_ => Task.Run(() => Store.RecordSloAsync("web", "prod", [Recording(T0, T0 + 119, seconds)], Ct)));

        var added = await Task.WhenAll(readers);

        Assert.Equal(120, added.Sum());
        Assert.Equal(new SloCounts(1080, 1200), (await Store.SumSloAsync("web", "prod", "availability", [At(T0)], Ct))[0]);
    }

    [Fact]
    public async Task A_window_sums_the_minutes_that_overlap_it_and_windows_without_traffic_sum_to_nothing()
    {
        // One request a minute for two hours, every tenth failing.
        var seconds = Enumerable.Range(0, 120).Select(m => (T0 + (60 * m) + 30, m % 10 == 0 ? 0L : 1L, 1L)).ToArray();
        await Store.RecordSloAsync("web", "prod", [Recording(T0, T0 + 7199, seconds)], Ct);
        var end = T0 + 7199;

        var sums = await Store.SumSloAsync("web", "prod", "availability", [At(end - 3600 + 1), At(end - 300 + 1), At(end + 1), At(T0 + 1800 + 5)], Ct);

        // The last is 90 minutes from the middle of the first hour: its minutes 30 to 59, then the whole second hour.
        Assert.Equal([new SloCounts(54, 60), new SloCounts(5, 5), SloCounts.None, new SloCounts(81, 90)], sums);
        Assert.Equal([SloCounts.None], await Store.SumSloAsync("web", "prod", "latency", [At(T0)], Ct));
    }

    [Fact]
    public async Task The_history_survives_a_restart_and_goes_on_from_where_it_was()
    {
        await Store.RecordSloAsync("web", "prod", [Recording(T0, T0 + 30, (T0 + 10, 9, 10))], Ct);

        var reopened = await Fixture.ReopenAsync();
        await reopened.RecordSloAsync("web", "prod", [Recording(T0 - 270, T0 + 40, (T0 + 10, 9, 10), (T0 + 35, 5, 5))], Ct);

        Assert.Equal(new SloProgress("availability", T0, T0 + 40), Assert.Single(await reopened.ListSloProgressAsync("web", "prod", Ct)));
        Assert.Equal(new SloCounts(14, 15), (await reopened.SumSloAsync("web", "prod", "availability", [At(T0)], Ct))[0]);
    }

    [Fact]
    public async Task Pruning_deletes_minutes_that_ended_before_the_cut_and_deleting_the_app_deletes_its_history()
    {
        await Store.SaveAppAsync(App(), Revision(1), Core.Rollouts.RolloutStatus.Empty, [], Ct);
        await Store.RecordSloAsync("web", "prod", [Recording(T0, T0 + 299, (T0, 1, 1), (T0 + 60, 1, 1), (T0 + 150, 1, 1), (T0 + 299, 1, 1))], Ct);
        await Store.RecordSloAsync("api", "prod", [Recording(T0, T0 + 299, (T0, 1, 1))], Ct);

        Assert.Equal(2, await Store.PruneSloAsync("web", "prod", At(T0 + 130), Ct)); // the minutes of T0 and T0 + 60
        Assert.Equal(new SloCounts(2, 2), (await Store.SumSloAsync("web", "prod", "availability", [At(T0 + 130)], Ct))[0]);

        await Store.DeleteAppAsync("web", "prod", Ct);
        Assert.Empty(await Store.ListSloProgressAsync("web", "prod", Ct));
        Assert.Equal(SloCounts.None, (await Store.SumSloAsync("web", "prod", "availability", [At(T0)], Ct))[0]);
        Assert.Equal(new SloCounts(1, 1), (await Store.SumSloAsync("api", "prod", "availability", [At(T0)], Ct))[0]);
    }

    private static SloRecording Recording(long from, long through, params (long Second, long Good, long Total)[] seconds) =>
        new("availability", [.. seconds.Select(s => new SloSecond(s.Second, s.Good, s.Total))], from, through);

    private static DateTimeOffset At(long second) => DateTimeOffset.FromUnixTimeSeconds(second);
}
