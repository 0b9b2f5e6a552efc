using Microsoft.Extensions.Time.Testing;

namespace Slipway.Local.Tests.Support;

/// <summary>
/// A fake clock that moves from one timer to the next, waiting in between for the code it drives to settle. A
/// <see cref="Task.Delay(TimeSpan, TimeProvider, CancellationToken)"/> completed by a fake timer resumes its awaiter on
/// the thread pool, not inside <see cref="FakeTimeProvider.Advance"/>, so advancing the clock again before every awaiter
/// has run (and armed its next timer) would make the clock outrun the code. Each step therefore waits until as many
/// timers are armed as the caller says its loops hold when parked, then jumps straight to the earliest one's due time,
/// so every timer fires exactly when it is due.
/// </summary>
internal sealed class SteppingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private static readonly TimeSpan SettleDeadline = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private readonly Dictionary<TrackedTimer, DateTimeOffset> _armed = [];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (period != Timeout.InfiniteTimeSpan)
        {
            throw new NotSupportedException("only one-shot timers are tracked");
        }

        var tracked = new TrackedTimer(this);
        tracked.Inner = base.CreateTimer(s =>
        {
            Disarm(tracked);
            callback(s);
        }, state, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        tracked.Change(dueTime, period);
        return tracked;
    }

    /// <summary>Moves the clock to <paramref name="until"/>, firing every timer due by then at its own time.</summary>
    /// <param name="parked">How many timers are armed when the driven code has settled (one per running probe loop).</param>
    /// <param name="resolution">
    /// Zero: each timer fires exactly when due. More: timers due within this much of each other fire together, at the
    /// last one's time (fewer steps when thousands of timers are armed; each fires at most this late).
    /// </param>
    public void AdvanceTo(DateTimeOffset until, Func<int> parked, TimeSpan resolution = default)
    {
        while (true)
        {
            Settle(parked);
            DateTimeOffset? next;
            lock (_gate)
            {
                next = _armed.Count == 0 ? null : _armed.Values.Min();
            }

            if (next is not { } due || due > until)
            {
                if (until > GetUtcNow())
                {
                    SetUtcNow(until);
                }

                Settle(parked);
                return;
            }

            var now = GetUtcNow();
            var to = due > now + resolution ? due : now + resolution;
            SetUtcNow(to < until ? to : until);
        }
    }

    private void Settle(Func<int> parked)
    {
        var deadline = DateTime.UtcNow + SettleDeadline;
        var spinner = default(SpinWait);
        while (true)
        {
            int armed;
            lock (_gate)
            {
                armed = _armed.Count;
            }

            if (armed == parked())
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the driven code did not settle: {armed} timers armed, {parked()} expected");
            }

            spinner.SpinOnce();
        }
    }

    private void Arm(TrackedTimer timer, DateTimeOffset due)
    {
        lock (_gate)
        {
            _armed[timer] = due;
        }
    }

    private void Disarm(TrackedTimer timer)
    {
        lock (_gate)
        {
            _armed.Remove(timer);
        }
    }

    private sealed class TrackedTimer(SteppingTimeProvider owner) : ITimer
    {
        public ITimer Inner { get; set; } = null!;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                owner.Disarm(this);
            }
            else
            {
                owner.Arm(this, owner.GetUtcNow() + dueTime);
            }

            return Inner.Change(dueTime, period);
        }

        public void Dispose()
        {
            owner.Disarm(this);
            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
