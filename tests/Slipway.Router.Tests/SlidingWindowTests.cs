using Microsoft.Extensions.Time.Testing;
using Slipway.Router.Metrics;

namespace Slipway.Router.Tests;

/// <summary>
/// The per-revision window behind <c>/stats</c> and live analysis, driven by a fake clock: seconds enter and leave it
/// exactly, a slot reused after a full turn of the ring starts from zero, errors are the 5xx answers, and totals stay
/// exact under many threads.
/// </summary>
public sealed class SlidingWindowTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_second_counts_for_exactly_as_long_as_the_window_reaches_back_to_it()
    {
        var revision = new RouterMetrics(_time).ForRevision("web", "prod", "2");
        Record(revision, 200, count: 9);
        Record(revision, 500, count: 1);

        _time.Advance(TimeSpan.FromSeconds(30));
        Record(revision, 200, count: 5);
        Assert.Equal((15, 1), Totals(revision, 60));
        Assert.Equal((5, 0), Totals(revision, 10));

        _time.Advance(TimeSpan.FromSeconds(29)); // 59 s after the first requests: still the last 60 s
        Assert.Equal((15, 1), Totals(revision, 60));

        _time.Advance(TimeSpan.FromSeconds(1)); // 60 s after: the first second just left the window
        Assert.Equal((5, 0), Totals(revision, 60));
        Assert.Equal((15, 1), Totals(revision, 61));

        _time.Advance(TimeSpan.FromSeconds(SlidingWindow.Seconds));
        Assert.Equal((0, 0), Totals(revision, SlidingWindow.Seconds));
    }

    [Fact]
    public void A_slot_the_ring_comes_back_to_starts_from_zero()
    {
        var revision = new RouterMetrics(_time).ForRevision("web", "prod", "2");
        Record(revision, 503, count: 7);

        _time.Advance(TimeSpan.FromSeconds(SlidingWindow.Seconds)); // the same slot of the ring, a full turn later
        Record(revision, 200, count: 2);

        Assert.Equal((2, 0), Totals(revision, 1));
        Assert.Equal((2, 0), Totals(revision, SlidingWindow.Seconds));
    }

    [Fact]
    public void A_request_older_than_the_ring_is_not_counted_in_a_later_second()
    {
        var window = new SlidingWindow(_time.TimestampFrequency);
        var old = _time.GetTimestamp();
        _time.Advance(TimeSpan.FromSeconds(SlidingWindow.Seconds));
        window.Record(_time.GetTimestamp(), 10, error: false);

        window.Record(old, 10, error: true); // a recorder that was paused for a full turn of the ring

        var latency = new long[LatencyBuckets.Count];
        Assert.Equal(0, window.Sum(_time.GetTimestamp(), SlidingWindow.Seconds, latency));
        Assert.Equal(1, latency.Sum());
    }

    [Theory]
    [InlineData(200, false)]
    [InlineData(204, false)]
    [InlineData(404, false)]
    [InlineData(499, false)] // the client went away: not the revision's failure
    [InlineData(500, true)]
    [InlineData(502, true)] // the router's answer to a failed connection
    [InlineData(503, true)] // the router's answer when no endpoint is ready
    [InlineData(504, true)] // the router's answer to a backend timeout
    [InlineData(599, true)]
    public void Errors_are_5xx_answers_whoever_gave_them(int status, bool error)
    {
        var revision = new RouterMetrics(_time).ForRevision("web", "prod", "2");
        Record(revision, status, count: 3);

        var totals = revision.ReadWindow(_time.GetTimestamp(), 60);
        Assert.Equal(3, totals.Requests);
        Assert.Equal(error ? 3 : 0, totals.Errors);
        Assert.Equal(error ? 1.0 : 0.0, totals.ErrorRate);
        Assert.Equal(error ? 0.0 : 1.0, totals.SuccessRate);
    }

    [Fact]
    public void The_window_covers_only_the_time_the_router_has_known_the_revision_and_rates_divide_by_it()
    {
        var metrics = new RouterMetrics(_time);
        var revision = metrics.ForRevision("web", "prod", "2");
        _time.Advance(TimeSpan.FromSeconds(19.5));
        Record(revision, 200, count: 39);

        var young = revision.ReadWindow(_time.GetTimestamp(), 60);
        Assert.Equal(20, young.WindowSeconds);
        Assert.Equal(2.0, young.RequestsPerSecond, precision: 9);

        _time.Advance(TimeSpan.FromSeconds(60.5)); // the 39 requests fell out of the last 60 s
        var later = revision.ReadWindow(_time.GetTimestamp(), 60);
        Assert.Equal(60, later.WindowSeconds);
        Assert.Equal(0, later.Requests);
        Assert.Null(later.ErrorRate);
        Assert.Null(later.SuccessRate);
        Assert.Null(later.QuantileMilliseconds(0.99));
        Assert.Equal(0, later.RequestsPerSecond);
    }

    [Fact]
    public void A_revision_that_never_served_has_no_window_allocated_and_reads_as_empty()
    {
        var metrics = new RouterMetrics(_time);
        var idle = metrics.ForRevision("web", "prod", "1");
        _time.Advance(TimeSpan.FromSeconds(5));

        var totals = Assert.Single(metrics.ReadWindows(60)).Totals;
        Assert.Equal(0, totals.Requests);
        Assert.Equal(5, totals.WindowSeconds);
        Assert.False(idle.HasWindow);

        Record(idle, 200, count: 1);
        Assert.True(idle.HasWindow);
    }

    [Fact]
    public void Windows_are_read_per_app_and_environment_in_a_stable_order()
    {
        var metrics = new RouterMetrics(_time);
        Record(metrics.ForRevision("web", "prod", "2"), 200, 1);
        Record(metrics.ForRevision("api", "prod", "1"), 200, 2);
        Record(metrics.ForRevision("web", "prod", "1"), 200, 3);
        Record(metrics.ForRevision("web", "dev", "1"), 200, 4);

        Assert.Equal(["api/prod/1", "web/dev/1", "web/prod/1", "web/prod/2"],
            metrics.ReadWindows(60).Select(w => $"{w.Revision.App}/{w.Revision.Environment}/{w.Revision.Revision}"));
        Assert.Equal([3L, 1L], metrics.ReadWindows(60, "web", "prod").Select(w => w.Totals.Requests));
    }

    [Fact]
    public void Totals_are_exact_with_many_threads_recording_across_second_boundaries_while_another_reads()
    {
        const int writers = 8;
        const int perWriter = 200_000;
        const int seconds = 7;
        var frequency = _time.TimestampFrequency;
        var start = _time.GetTimestamp();
        var end = start + seconds * frequency;
        var window = new SlidingWindow(frequency);
        using var go = new Barrier(writers + 1);
        var stop = 0;
        var readerSawMoreErrorsThanRequests = false;

        // Every writer walks the same seconds at the same pace, so they race to claim each new slot.
        var threads = Enumerable.Range(0, writers).Select(_ => new Thread(() =>
        {
            go.SignalAndWait();
            for (var i = 0; i < perWriter; i++)
            {
                var timestamp = start + (long)((double)i / perWriter * seconds * frequency);
                window.Record(timestamp, elapsedTicks: i % 1000 * frequency / 10_000, error: i % 10 == 0);
            }
        })).ToList();
        var reader = new Thread(() =>
        {
            go.SignalAndWait();
            var latency = new long[LatencyBuckets.Count];
            while (Volatile.Read(ref stop) == 0)
            {
                Array.Clear(latency);
                if (window.Sum(end, SlidingWindow.Seconds, latency) > latency.Sum())
                {
                    readerSawMoreErrorsThanRequests = true;
                }
            }
        });
        threads.ForEach(t => t.Start());
        reader.Start();
        threads.ForEach(t => t.Join());
        Volatile.Write(ref stop, 1);
        reader.Join();

        var totals = new long[LatencyBuckets.Count];
        var errors = window.Sum(end, SlidingWindow.Seconds, totals);
        Assert.Equal((long)writers * perWriter, totals.Sum());
        Assert.Equal((long)writers * perWriter / 10, errors);
        Assert.Equal(totals.Sum(), Enumerable.Range(0, seconds).Sum(s => SumOfSecond(window, start + s * frequency)));
        Assert.False(readerSawMoreErrorsThanRequests);
    }

    private static long SumOfSecond(SlidingWindow window, long timestamp)
    {
        var latency = new long[LatencyBuckets.Count];
        window.Sum(timestamp, 1, latency);
        return latency.Sum();
    }

    private void Record(RevisionMetrics revision, int status, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var end = _time.GetTimestamp();
            revision.RecordRequest(status, end - _time.TimestampFrequency / 500, end); // 2 ms each
        }
    }

    private (long Requests, long Errors) Totals(RevisionMetrics revision, int seconds)
    {
        var totals = revision.ReadWindow(_time.GetTimestamp(), seconds);
        return (totals.Requests, totals.Errors);
    }
}
