namespace Slipway.Router.Metrics;

/// <summary>
/// Counters of one app×env×revision. Tables hold direct references, so recording a request is a few interlocked
/// adds on arrays indexed by status code — no dictionary lookup, no lock. Cumulative counters feed <c>/metrics</c>;
/// a <see cref="SlidingWindow"/>, created with the first request, feeds <c>/stats</c> and live analysis.
/// </summary>
internal sealed class RevisionMetrics
{
    private const int MaxStatusCode = 599;

    private readonly long[] _byStatus = new long[MaxStatusCode + 1];
    private readonly long _frequency;
    private readonly long _created;
    private long _mirrored;
    private SlidingWindow? _window;

    /// <param name="created">The timestamp at which the router started routing to the revision: how far back its
    /// window can see.</param>
    public RevisionMetrics(string app, string environment, string revision, long timestampFrequency, long created)
    {
        App = app;
        Environment = environment;
        Revision = revision;
        Duration = new DurationHistogram(timestampFrequency);
        _frequency = timestampFrequency;
        _created = created;
    }

    public string App { get; }

    public string Environment { get; }

    public string Revision { get; }

    public DurationHistogram Duration { get; }

    public long Mirrored => Volatile.Read(ref _mirrored);

    /// <summary>Whether the revision has served a request, and so holds the memory of a <see cref="SlidingWindow"/>.</summary>
    public bool HasWindow => Volatile.Read(ref _window) is not null;

    /// <summary>
    /// Counts a request everywhere: three interlocked increments for the cumulative counters and the histogram, and
    /// one more for the window (two for an error); nothing is allocated but the window itself, once.
    /// </summary>
    /// <param name="statusCode">What the client received (the router's own 502, 503 and 504 included; 499 when the
    /// client went away first).</param>
    /// <param name="start">Timestamp at which the request was received.</param>
    /// <param name="end">Timestamp at which its response ended.</param>
    public void RecordRequest(int statusCode, long start, long end)
    {
        var code = Math.Clamp(statusCode, 0, MaxStatusCode);
        Interlocked.Increment(ref _byStatus[code]);
        Duration.Record(end - start);
        (Volatile.Read(ref _window) ?? CreateWindow()).Record(end, end - start, error: code >= 500);
    }

    /// <summary>What the revision served in the <paramref name="seconds"/> seconds up to <paramref name="now"/>.</summary>
    public WindowTotals ReadWindow(long now, int seconds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(seconds, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(seconds, SlidingWindow.Seconds);

        var known = Math.Max(0, now - _created) / (double)_frequency;
        var intoCurrentSecond = (now % _frequency) / (double)_frequency;
        var latency = new long[LatencyBuckets.Count];
        var errors = Volatile.Read(ref _window)?.Sum(now, seconds, latency) ?? 0;
        return new WindowTotals(
            (int)Math.Clamp(Math.Ceiling(known), 1, seconds),
            Math.Min(seconds - 1 + intoCurrentSecond, known),
            errors,
            latency);
    }

    /// <summary>
    /// The seconds from <paramref name="first"/> to <paramref name="last"/> (of the timestamp clock) in which the
    /// revision served requests, oldest first (see <see cref="SlidingWindow.ReadSeconds"/>); none before its first request.
    /// </summary>
    public List<SecondCounts> ReadSeconds(long first, long last)
    {
        var seconds = new List<SecondCounts>();
        Volatile.Read(ref _window)?.ReadSeconds(first, last, seconds);
        return seconds;
    }

    public void RecordMirror() => Interlocked.Increment(ref _mirrored);

    /// <summary>Status codes with a nonzero count, ascending.</summary>
    public IEnumerable<(int Code, long Count)> StatusCounts()
    {
        for (var code = 0; code <= MaxStatusCode; code++)
        {
            var count = Volatile.Read(ref _byStatus[code]);
            if (count > 0)
            {
                yield return (code, count);
            }
        }
    }

    private SlidingWindow CreateWindow()
    {
        var created = new SlidingWindow(_frequency);
        return Interlocked.CompareExchange(ref _window, created, null) ?? created;
    }

    public long RequestCount()
    {
        long total = 0;
        for (var code = 0; code <= MaxStatusCode; code++)
        {
            total += Volatile.Read(ref _byStatus[code]);
        }

        return total;
    }
}
