using Microsoft.Extensions.Time.Testing;
using Slipway.Server.Reconcile;

namespace Slipway.Server.Tests.Reconcile;

/// <summary>
/// The reconciler's work queue: a key is queued once however often it is added, never worked on by two workers at
/// once, never lost when added while worked on, and comes back at the time its plan asked for.
/// </summary>
public sealed class WorkQueueTests : IDisposable
{
    private static readonly AppKey Web = new("web", "dev");
    private static readonly AppKey Api = new("api", "dev");

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
    private readonly WorkQueue _queue;

    public WorkQueueTests() => _queue = new WorkQueue(_time);

    public void Dispose() => _queue.Dispose();

    [Fact]
    public async Task A_key_added_many_times_before_a_worker_takes_it_is_worked_on_once()
    {
        _queue.Add(Web);
        _queue.Add(Api);
        _queue.Add(Web);
        _queue.Add(Web);

        Assert.Equal(2, _queue.Depth);
        Assert.Equal(Web, (await TakeAsync()).Key);
        Assert.Equal(Api, (await TakeAsync()).Key);
        Assert.Equal(0, _queue.Depth);
        Assert.False(TryTakeNow(out _));
    }

    [Fact]
    public async Task A_key_added_while_a_worker_has_it_waits_for_that_worker_then_comes_back_once()
    {
        _queue.Add(Web);
        var first = await TakeAsync();

        _queue.Add(Web);
        _queue.Add(Web);
        Assert.False(TryTakeNow(out _)); // a second worker does not get it meanwhile

        _queue.Done(first.Key);
        Assert.Equal(Web, (await TakeAsync()).Key);
        _queue.Done(Web);
        Assert.False(TryTakeNow(out _));
    }

    [Fact]
    public async Task A_key_asked_for_later_comes_back_at_that_moment_and_the_earliest_moment_wins()
    {
        var now = _time.GetUtcNow();
        _queue.AddAt(Web, now + TimeSpan.FromSeconds(30));
        _queue.AddAt(Web, now + TimeSpan.FromSeconds(10));
        _queue.AddAt(Web, now + TimeSpan.FromSeconds(20));

        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(TryTakeNow(out _));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(Web, (await TakeAsync()).Key);
        _queue.Done(Web);

        // The later times asked for were folded into the earliest: nothing more is due.
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.False(TryTakeNow(out _));
    }

    [Fact]
    public async Task A_moment_already_past_queues_the_key_at_once()
    {
        _queue.AddAt(Web, _time.GetUtcNow() - TimeSpan.FromSeconds(1));

        Assert.Equal(Web, (await TakeAsync()).Key);
    }

    [Fact]
    public void A_failing_key_comes_back_after_delays_that_double_until_it_succeeds()
    {
        var delays = new List<TimeSpan>();
        for (var attempt = 0; attempt < 4; attempt++)
        {
            _queue.AddAfterFailure(Web);
            delays.Add(DueAfter(Web));
        }

        _queue.Forget(Web);
        _queue.AddAfterFailure(Web);
        delays.Add(DueAfter(Web));

        Assert.Equal([50, 100, 200, 400, 50], delays.Select(d => (int)d.TotalMilliseconds));
    }

    [Fact]
    public async Task The_wait_reported_is_the_time_from_the_first_add_to_the_take()
    {
        _queue.Add(Web);
        _time.Advance(TimeSpan.FromMilliseconds(300));
        _queue.Add(Web);

        Assert.Equal(TimeSpan.FromMilliseconds(300), (await TakeAsync()).Waited);
    }

    /// <summary>Advances the clock 10 ms at a time until <paramref name="key"/> can be taken; returns the time it took.</summary>
    private TimeSpan DueAfter(AppKey key)
    {
        var start = _time.GetUtcNow();
        for (var step = 0; step < 10_000; step++)
        {
            if (TryTakeNow(out var taken))
            {
                Assert.Equal(key, taken);
                _queue.Done(taken);
                return _time.GetUtcNow() - start;
            }

            _time.Advance(TimeSpan.FromMilliseconds(10));
        }

        throw new Xunit.Sdk.XunitException($"{key} never came back");
    }

    private async Task<(AppKey Key, TimeSpan Waited)> TakeAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await _queue.TakeAsync(deadline.Token);
    }

    private bool TryTakeNow(out AppKey key) => _queue.TryTake(out key, out _);
}
