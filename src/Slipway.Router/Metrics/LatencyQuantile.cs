namespace Slipway.Router.Metrics;

/// <summary>
/// Estimates a latency quantile from <see cref="LatencyBuckets"/> counts the way Prometheus' <c>histogram_quantile</c>
/// does: find the bucket the quantile's rank falls in and interpolate linearly inside it, as if its durations were
/// spread evenly between its bounds. The estimate therefore always lies in the bucket that holds the true quantile:
/// with these buckets it is off by at most 25 % of the true value (all durations piled at one edge of a bucket) and,
/// for smooth distributions, by a few percent. A rank in the top bucket (33.6 s and over) gives its lower bound,
/// 33.6 s, since the bucket has no upper one.
/// </summary>
internal static class LatencyQuantile
{
    /// <param name="counts">Requests per bucket, <see cref="LatencyBuckets.Count"/> long.</param>
    /// <param name="quantile">Between 0 and 1: 0.99 for p99.</param>
    /// <returns>Milliseconds, or null when there are no requests.</returns>
    public static double? EstimateMilliseconds(ReadOnlySpan<long> counts, double quantile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quantile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quantile, 1);

        long total = 0;
        foreach (var count in counts)
        {
            total += count;
        }

        if (total == 0)
        {
            return null;
        }

        var rank = quantile * total;
        long below = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            var count = counts[i];
            if (count == 0 || below + count < rank)
            {
                below += count;
                continue;
            }

            var lower = LatencyBuckets.LowerMicroseconds(i);
            var upper = LatencyBuckets.UpperMicroseconds(i);
            if (double.IsPositiveInfinity(upper))
            {
                return lower / 1000;
            }

            return (lower + (upper - lower) * ((rank - below) / count)) / 1000;
        }

        // rank ≤ total, and the last non-empty bucket brings the running count to total.
        throw new System.Diagnostics.UnreachableException();
    }
}
