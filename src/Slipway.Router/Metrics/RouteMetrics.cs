namespace Slipway.Router.Metrics;

/// <summary>Counters of one app×env that belong to no single revision.</summary>
internal sealed class RouteMetrics(string app, string environment)
{
    private long _retries;

    public string App { get; } = app;

    public string Environment { get; } = environment;

    public long Retries => Volatile.Read(ref _retries);

    public void RecordRetry() => Interlocked.Increment(ref _retries);
}
