namespace Slipway.Router.Metrics;

/// <summary>
/// Counters of one app×env×revision. Tables hold direct references, so recording a request is a few interlocked
/// adds on arrays indexed by status code — no dictionary lookup, no lock.
/// </summary>
internal sealed class RevisionMetrics
{
    private const int MaxStatusCode = 599;

    private readonly long[] _byStatus = new long[MaxStatusCode + 1];
    private long _mirrored;

    public RevisionMetrics(string app, string environment, string revision, long timestampFrequency)
    {
        App = app;
        Environment = environment;
        Revision = revision;
        Duration = new DurationHistogram(timestampFrequency);
    }

    public string App { get; }

    public string Environment { get; }

    public string Revision { get; }

    public DurationHistogram Duration { get; }

    public long Mirrored => Volatile.Read(ref _mirrored);

    public void RecordRequest(int statusCode, long elapsedTicks)
    {
        Interlocked.Increment(ref _byStatus[Math.Clamp(statusCode, 0, MaxStatusCode)]);
        Duration.Record(elapsedTicks);
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
