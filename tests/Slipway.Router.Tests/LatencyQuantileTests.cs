using Slipway.Router.Metrics;

namespace Slipway.Router.Tests;

/// <summary>
/// The latency buckets and the quantile estimator behind p50/p90/p95/p99: estimates on distributions whose quantiles
/// are known, compared with the exact quantiles of the same samples.
/// </summary>
public sealed class LatencyQuantileTests
{
    [Fact]
    public void Buckets_are_contiguous_and_each_is_at_most_a_quarter_wider_than_its_lower_bound()
    {
        Assert.Equal(0, LatencyBuckets.IndexOf(0));
        Assert.Equal(0, LatencyBuckets.IndexOf(63));
        Assert.Equal(1, LatencyBuckets.IndexOf(64));
        Assert.Equal(LatencyBuckets.Count - 1, LatencyBuckets.IndexOf(1L << 25));
        Assert.Equal(LatencyBuckets.Count - 1, LatencyBuckets.IndexOf(long.MaxValue));

        for (var i = 1; i < LatencyBuckets.Count - 1; i++)
        {
            var lower = LatencyBuckets.LowerMicroseconds(i);
            var upper = LatencyBuckets.UpperMicroseconds(i);
            Assert.Equal(LatencyBuckets.UpperMicroseconds(i - 1), lower);
            Assert.Equal(i, LatencyBuckets.IndexOf((long)lower));
            Assert.Equal(i, LatencyBuckets.IndexOf((long)upper - 1));
            Assert.InRange((upper - lower) / lower, 0.14, 0.25);
        }

        Assert.Equal(33_554_432, LatencyBuckets.LowerMicroseconds(LatencyBuckets.Count - 1));
        Assert.True(double.IsPositiveInfinity(LatencyBuckets.UpperMicroseconds(LatencyBuckets.Count - 1)));
    }

    [Fact]
    public void No_requests_have_no_quantile()
    {
        Assert.Null(LatencyQuantile.EstimateMilliseconds(new long[LatencyBuckets.Count], 0.5));
    }

    [Theory]
    [InlineData(0.5, 0.01)]
    [InlineData(0.9, 0.01)]
    [InlineData(0.95, 0.03)]
    // The samples end at 101 ms, inside the bucket [98.3, 114.7) ms; interpolation spreads that bucket's requests
    // over all of it, so the top quantile is overestimated — the edge case of a hard maximum.
    [InlineData(0.99, 0.09)]
    public void Uniform_latencies_are_estimated_within_a_few_percent(double q, double tolerance)
    {
        // 1.00 ms, 1.01 ms … 100.99 ms.
        var samples = Enumerable.Range(0, 10_000).Select(i => 1000 + i * 10L).ToArray();

        var exact = Exact(samples, q);
        var estimate = LatencyQuantile.EstimateMilliseconds(Histogram(samples), q)!.Value;
        Assert.True(Math.Abs(estimate - exact) / exact <= tolerance, $"p{q * 100}: estimated {estimate:0.000} ms, exact {exact:0.000} ms");
    }

    [Fact]
    public void Log_normal_latencies_are_estimated_within_three_percent()
    {
        // A typical service: median 20 ms, a long right tail (p99 ≈ 200 ms).
        var random = new Random(42);
        var samples = Enumerable.Range(0, 100_000).Select(_ =>
        {
            var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            return (long)(20_000 * Math.Exp(normal));
        }).ToArray();
        var counts = Histogram(samples);

        foreach (var q in new[] { 0.5, 0.9, 0.95, 0.99 })
        {
            var exact = Exact(samples, q);
            var estimate = LatencyQuantile.EstimateMilliseconds(counts, q)!.Value;
            Assert.True(Math.Abs(estimate - exact) / exact <= 0.03, $"p{q * 100}: estimated {estimate:0.000} ms, exact {exact:0.000} ms");
        }
    }

    [Fact]
    public void A_tail_of_slow_requests_shows_in_p99_and_not_in_p50()
    {
        // 97 % around 2 ms, 3 % around 300 ms: a canary with a slow path.
        var random = new Random(7);
        var samples = Enumerable.Range(0, 20_000)
            .Select(i => i % 100 < 97 ? 1_800 + random.Next(400) : 290_000 + random.Next(20_000))
            .Select(v => (long)v).ToArray();
        var counts = Histogram(samples);

        Assert.InRange(LatencyQuantile.EstimateMilliseconds(counts, 0.5)!.Value, 1.8, 2.2);
        Assert.InRange(LatencyQuantile.EstimateMilliseconds(counts, 0.99)!.Value, 290 * 0.9, 310 * 1.1);
    }

    [Theory]
    [InlineData(100)] // 0.1 ms
    [InlineData(5_000)] // 5 ms
    [InlineData(5_119)] // just below a bucket bound: the worst case
    [InlineData(1_000_000)] // 1 s
    public void Identical_latencies_are_estimated_within_their_bucket_at_most_25_percent_off(long microseconds)
    {
        var counts = Histogram(Enumerable.Repeat(microseconds, 1000).ToArray());
        var index = LatencyBuckets.IndexOf(microseconds);

        foreach (var q in new[] { 0.5, 0.99 })
        {
            var estimate = LatencyQuantile.EstimateMilliseconds(counts, q)!.Value * 1000;
            Assert.InRange(estimate, LatencyBuckets.LowerMicroseconds(index), LatencyBuckets.UpperMicroseconds(index));
            Assert.True(Math.Abs(estimate - microseconds) / microseconds <= 0.25);
        }
    }

    [Fact]
    public void Latencies_beyond_the_last_bound_report_that_bound()
    {
        var counts = Histogram([60_000_000, 60_000_000, 1_000]);

        Assert.Equal(33_554.432, LatencyQuantile.EstimateMilliseconds(counts, 0.99));
        Assert.InRange(LatencyQuantile.EstimateMilliseconds(counts, 0)!.Value, 0.896, 1.025);
    }

    private static long[] Histogram(long[] microseconds)
    {
        var counts = new long[LatencyBuckets.Count];
        foreach (var value in microseconds)
        {
            counts[LatencyBuckets.IndexOf(value)]++;
        }

        return counts;
    }

    /// <summary>The exact quantile of the samples in milliseconds, interpolated between order statistics.</summary>
    private static double Exact(long[] microseconds, double q)
    {
        var sorted = microseconds.Order().ToArray();
        var position = q * (sorted.Length - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return (sorted[below] + (sorted[above] - sorted[below]) * (position - below)) / 1000.0;
    }
}
