namespace Slipway.Router.Metrics;

/// <summary>
/// What a revision served over a window: requests, errors (5xx, the router's 502/503/504 included) and their latency
/// buckets, from which rates and quantiles follow. The numbers <c>/stats</c> reports and live analysis judges.
/// </summary>
internal sealed class WindowTotals
{
    public WindowTotals(int windowSeconds, double spanSeconds, long errors, long[] latency)
    {
        WindowSeconds = windowSeconds;
        SpanSeconds = spanSeconds;
        Errors = errors;
        Latency = latency;
        foreach (var count in latency)
        {
            Requests += count;
        }
    }

    /// <summary>The window actually covered: the one asked for, or less when the router has known the revision for
    /// less time than that (it started, or the revision is new).</summary>
    public int WindowSeconds { get; }

    /// <summary>The time the counted seconds span, the current (partial) second included; what rates divide by.</summary>
    public double SpanSeconds { get; }

    public long Requests { get; }

    public long Errors { get; }

    /// <summary>Requests per <see cref="LatencyBuckets">latency bucket</see>.</summary>
    public long[] Latency { get; }

    /// <summary>Share of requests that were errors, 0 to 1; null without requests.</summary>
    public double? ErrorRate => Requests == 0 ? null : (double)Errors / Requests;

    /// <summary>1 − <see cref="ErrorRate"/>; null without requests.</summary>
    public double? SuccessRate => Requests == 0 ? null : (double)(Requests - Errors) / Requests;

    public double RequestsPerSecond => SpanSeconds <= 0 ? 0 : Requests / SpanSeconds;

    /// <summary>See <see cref="LatencyQuantile"/>; null without requests.</summary>
    public double? QuantileMilliseconds(double quantile) => LatencyQuantile.EstimateMilliseconds(Latency, quantile);
}
