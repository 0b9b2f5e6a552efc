namespace Slipway.Router.Metrics;

/// <summary>
/// A lock-free latency histogram with fixed buckets. Counts are stored per bucket (not cumulative) and summed when
/// exported; the sum is kept in timestamp ticks so recording is two interlocked adds and no floating point.
/// </summary>
internal sealed class DurationHistogram
{
    /// <summary>Upper bounds in seconds, +Inf excluded.</summary>
    public static readonly double[] Bounds = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly long[] _boundTicks;
    private readonly long[] _counts = new long[Bounds.Length + 1];
    private readonly double _tickSeconds;
    private long _sumTicks;

    public DurationHistogram(long timestampFrequency)
    {
        _tickSeconds = 1.0 / timestampFrequency;
        _boundTicks = Array.ConvertAll(Bounds, b => (long)Math.Round(b * timestampFrequency));
    }

    public void Record(long elapsedTicks)
    {
        var index = 0;
        var bounds = _boundTicks;
        while (index < bounds.Length && elapsedTicks > bounds[index])
        {
            index++;
        }

        Interlocked.Increment(ref _counts[index]);
        Interlocked.Add(ref _sumTicks, elapsedTicks);
    }

    /// <summary>Cumulative counts per bucket (last = +Inf = total count) and the sum in seconds.</summary>
    public (long[] Cumulative, double SumSeconds) Snapshot()
    {
        var cumulative = new long[_counts.Length];
        long running = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            running += Volatile.Read(ref _counts[i]);
            cumulative[i] = running;
        }

        return (cumulative, Volatile.Read(ref _sumTicks) * _tickSeconds);
    }
}
