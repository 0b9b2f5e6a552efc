using Slipway.Core.Analysis.Judge;
using Slipway.Core.Slo;

namespace Slipway.Core.Tests.Slo;

/// <summary>
/// Which of the router's requests are good: for availability every request but the errors (5xx, the router's own
/// included); for latency those that succeeded within the threshold, a latency bucket counting as fast only when its
/// upper bound is at most the threshold.
/// </summary>
public sealed class SloCountingTests
{
    private static readonly LatencyBin[] Bins =
    [
        new(0, 64, 50),                // under 64 µs
        new(8_192, 10_240, 30),        // about 10 ms
        new(262_144, 327_680, 15),     // 262 to 328 ms: straddles a 300 ms threshold
        new(33_554_432, double.PositiveInfinity, 5),
    ];

    [Fact]
    public void Availability_counts_every_request_but_the_errors() =>
        Assert.Equal(new SloCounts(96, 100), SloCounting.Count(new AvailabilityIndicator(), 100, 4, Bins));

    [Fact]
    public void Latency_counts_a_bucket_as_fast_only_when_it_ends_within_the_threshold_and_errors_never_as_good()
    {
        // 300 ms: the 262–328 ms bucket may hold slower requests, so it counts as slow; 80 fast, of which 4 are errors.
        Assert.Equal(new SloCounts(76, 100), SloCounting.Count(new LatencyIndicator(TimeSpan.FromMilliseconds(300)), 100, 4, Bins));

        // Exactly at its upper bound, the bucket is fast.
        Assert.Equal(new SloCounts(91, 100), SloCounting.Count(new LatencyIndicator(TimeSpan.FromMicroseconds(327_680)), 100, 4, Bins));
    }

    [Fact]
    public void Prometheus_indicators_are_not_counted_from_the_router()
    {
        Assert.False(SloCounting.FromRouter(new PrometheusIndicator("http://p", "g", "t")));
        Assert.Throws<ArgumentException>(() => SloCounting.Count(new PrometheusIndicator("http://p", "g", "t"), 1, 0, []));
    }
}
