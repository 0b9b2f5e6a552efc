namespace Slipway.Router.Metrics;

/// <summary>
/// What one revision served, second by second, over the last <see cref="Seconds"/> seconds: a ring of one-second
/// slots, each with its request count per <see cref="LatencyBuckets">latency bucket</see> (their sum is the number of
/// requests) and its error count. Live analysis reads any window up to the ring's length at a one-second resolution.
/// <para>
/// Recording is lock-free and allocates nothing: one interlocked increment, two for an error. The first request of a
/// new second claims the slot the ring has come round to (a compare-and-swap of its stamp), clears the counts the slot
/// held <see cref="Seconds"/> seconds ago and publishes the new stamp; requests of the same second that arrive during
/// those few nanoseconds spin until it is published. A reader skips a slot whose stamp is not the second it wants,
/// so a slot being reused is never read half-cleared.
/// </para>
/// <para>
/// Memory, allocated once the revision serves its first request: 300 slots × (78 latency counts + 1 error count)
/// × 4 bytes, plus 300 × 8 bytes of stamps — about 97 KB per revision. Counts are 32-bit: a second would need more
/// than two billion requests to one revision to overflow one.
/// </para>
/// </summary>
internal sealed class SlidingWindow
{
    public const int Seconds = StatsWindow.MaxSeconds;

    private const int ErrorsOffset = LatencyBuckets.Count;
    private const int Stride = LatencyBuckets.Count + 1;
    private const long Resetting = -1;
    private const long Unused = long.MinValue;

    private readonly long _frequency;
    private readonly double _microsecondsPerTick;
    private readonly long[] _stamps = new long[Seconds];
    private readonly int[] _counts = new int[Seconds * Stride];

    /// <param name="timestampFrequency">Ticks per second of the timestamps given to <see cref="Record"/> and <see cref="Sum"/>.</param>
    public SlidingWindow(long timestampFrequency)
    {
        _frequency = timestampFrequency;
        _microsecondsPerTick = 1_000_000.0 / timestampFrequency;
        Array.Fill(_stamps, Unused);
    }

    /// <param name="timestamp">When the request completed.</param>
    /// <param name="elapsedTicks">How long it took.</param>
    /// <param name="error">A 5xx, the backend's or the router's own (connection failure, timeout, no endpoint).</param>
    public void Record(long timestamp, long elapsedTicks, bool error)
    {
        var second = timestamp / _frequency;
        var slot = SlotOf(second);
        if (Volatile.Read(ref _stamps[slot]) != second && !Claim(slot, second))
        {
            return;
        }

        var offset = slot * Stride;
        Interlocked.Increment(ref _counts[offset + LatencyBuckets.IndexOf((long)(elapsedTicks * _microsecondsPerTick))]);
        if (error)
        {
            Interlocked.Increment(ref _counts[offset + ErrorsOffset]);
        }
    }

    /// <summary>
    /// Adds the counts of the <paramref name="seconds"/> seconds up to and including the one of <paramref name="now"/>
    /// (which is still filling) to <paramref name="latency"/> and returns the errors among them.
    /// </summary>
    public long Sum(long now, int seconds, Span<long> latency)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(seconds, Seconds);
        ArgumentOutOfRangeException.ThrowIfLessThan(latency.Length, LatencyBuckets.Count);

        Span<int> copy = stackalloc int[Stride];
        var current = now / _frequency;
        long errors = 0;
        for (var second = current - seconds + 1; second <= current; second++)
        {
            var slot = SlotOf(second);
            if (Volatile.Read(ref _stamps[slot]) != second)
            {
                continue; // no request in that second, or the slot already belongs to a later one
            }

            for (var i = 0; i < Stride; i++)
            {
                copy[i] = Volatile.Read(ref _counts[slot * Stride + i]);
            }

            if (Volatile.Read(ref _stamps[slot]) != second)
            {
                continue;
            }

            for (var i = 0; i < LatencyBuckets.Count; i++)
            {
                latency[i] += copy[i];
            }

            errors += copy[ErrorsOffset];
        }

        return errors;
    }

    /// <summary>
    /// Adds every second from <paramref name="first"/> to <paramref name="last"/> (seconds of the timestamp clock, both
    /// included) that had requests to <paramref name="seconds"/>, oldest first: its number, its errors and its count per
    /// latency bucket. What the server records SLO data from, second by second, so that it can tell which seconds it
    /// already has and never counts one twice. Seconds outside the ring (older than <see cref="Seconds"/>) are skipped.
    /// </summary>
    public void ReadSeconds(long first, long last, List<SecondCounts> seconds)
    {
        ArgumentNullException.ThrowIfNull(seconds);
        Span<int> copy = stackalloc int[Stride];
        for (var second = first; second <= last; second++)
        {
            var slot = SlotOf(second);
            if (Volatile.Read(ref _stamps[slot]) != second)
            {
                continue;
            }

            for (var i = 0; i < Stride; i++)
            {
                copy[i] = Volatile.Read(ref _counts[slot * Stride + i]);
            }

            if (Volatile.Read(ref _stamps[slot]) != second)
            {
                continue;
            }

            seconds.Add(new SecondCounts(second, copy[ErrorsOffset], copy[..LatencyBuckets.Count].ToArray()));
        }
    }

    private static int SlotOf(long second) => (int)((ulong)second % Seconds);

    /// <summary>Makes the slot hold <paramref name="second"/>; false when it already holds a later second (the caller
    /// was paused for longer than the ring: its request is too old to count).</summary>
    private bool Claim(int slot, long second)
    {
        ref var stamp = ref _stamps[slot];
        var spin = new SpinWait();
        while (true)
        {
            var seen = Volatile.Read(ref stamp);
            if (seen == second)
            {
                return true;
            }

            if (seen == Resetting)
            {
                spin.SpinOnce();
                continue;
            }

            if (seen > second)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref stamp, Resetting, seen) == seen)
            {
                Array.Clear(_counts, slot * Stride, Stride);
                Volatile.Write(ref stamp, second);
                return true;
            }
        }
    }
}
