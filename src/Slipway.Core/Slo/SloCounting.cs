using Slipway.Core.Analysis.Judge;

namespace Slipway.Core.Slo;

/// <summary>
/// Which of the requests the router counted were good, for an indicator. The router counts, per second and revision,
/// requests by latency bucket and errors — 5xx answers, the instance's or its own (a refused connection, a timeout, no
/// endpoint), exactly what the <c>router</c> provider's error rate counts.
/// </summary>
public static class SloCounting
{
    /// <summary>
    /// Availability: good is every request but the errors. Latency: good is a request that succeeded within the
    /// threshold, and the buckets give latency only to the bucket: a bucket counts as fast only when its upper bound is
    /// at most the threshold (a threshold between two bounds counts the bucket across it as slow, never a slow request
    /// as fast). Errors are not told apart by latency, so every error is taken to be among the fast requests: an error
    /// is never counted good, and a slow error is counted bad once as slow and once as failed — the count errs on the
    /// side of the budget.
    /// </summary>
    /// <param name="bins">The requests by latency bucket; needed for latency only.</param>
    public static SloCounts Count(SloIndicator indicator, long requests, long errors, IReadOnlyList<LatencyBin> bins)
    {
        ArgumentNullException.ThrowIfNull(indicator);
        ArgumentNullException.ThrowIfNull(bins);
        switch (indicator)
        {
            case AvailabilityIndicator:
                return new SloCounts(Math.Max(0, requests - errors), requests);
            case LatencyIndicator latency:
                var limit = latency.Threshold.TotalMicroseconds;
                long fast = 0;
                foreach (var bin in bins)
                {
                    if (bin.UpperMicroseconds <= limit)
                    {
                        fast += bin.Count;
                    }
                }

                return new SloCounts(Math.Clamp(fast - errors, 0, requests), requests);
            default:
                throw new ArgumentException($"the router does not count {indicator.GetType().Name} indicators: they are read from Prometheus", nameof(indicator));
        }
    }

    /// <summary>Whether the router's counters measure <paramref name="indicator"/> (availability and latency do; a
    /// Prometheus indicator is queried when read).</summary>
    public static bool FromRouter(SloIndicator indicator) => indicator is AvailabilityIndicator or LatencyIndicator;
}
