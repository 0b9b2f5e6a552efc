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
    private int _changing; // timers between being recorded as armed and being armed in the fake clock

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
    public void AdvanceTo(DateTimeOffset until, Func<int> parked)
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

            if (due < GetUtcNow())
            {
                throw new InvalidOperationException($"a timer due at {due:O} has not fired at {GetUtcNow():O}");
            }

            SetUtcNow(due);
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

            // Read after the armed count: a timer counted there is armed in the fake clock too once this is zero.
            if (armed == parked() && Volatile.Read(ref _changing) == 0)
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
            // Until the fake clock has it too, the clock must not move: it would arm it later than recorded here.
            Interlocked.Increment(ref owner._changing);
            try
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
            finally
            {
                Interlocked.Decrement(ref owner._changing);
            }
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
