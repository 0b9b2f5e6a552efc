using System.Numerics;
using MathNet.Numerics.Distributions;
using Slipway.Core.Analysis.Judge;

namespace Slipway.Core.Tests.Analysis.Judge;

/// <summary>
/// The router's latency buckets (Slipway.Router's <c>LatencyBuckets</c>, reproduced so that Core's tests do not depend
/// on the router): below 64 µs, then 4 equal buckets per power of two up to 33.6 s, then 33.6 s and over.
/// </summary>
internal static class RouterLatencyBins
{
    public const int Count = 1 + ((LastOctave - FirstOctave + 1) * SubBuckets) + 1;

    private const int FirstOctave = 6;
    private const int LastOctave = 24;
    private const int SubBuckets = 4;

    public static int IndexOf(long microseconds)
    {
        if (microseconds < 1L << FirstOctave)
        {
            return 0;
        }

        var octave = BitOperations.Log2((ulong)microseconds);
        if (octave > LastOctave)
        {
            return Count - 1;
        }

        var quarter = (int)(microseconds >> (octave - 2)) & (SubBuckets - 1);
        return 1 + ((octave - FirstOctave) * SubBuckets) + quarter;
    }

    public static double LowerMicroseconds(int index)
    {
        if (index <= 0)
        {
            return 0;
        }

        if (index >= Count - 1)
        {
            return 1L << (LastOctave + 1);
        }

        var octave = FirstOctave + ((index - 1) / SubBuckets);
        var quarter = (index - 1) % SubBuckets;
        return (double)(1L << (octave - 2)) * (SubBuckets + quarter);
    }

    public static double UpperMicroseconds(int index) =>
        index >= Count - 1 ? double.PositiveInfinity : LowerMicroseconds(index + 1);

    /// <summary>Counts per bucket as the judge reads them: every bucket, empty ones included.</summary>
    public static IReadOnlyList<LatencyBin> ToBins(long[] counts) =>
        [.. counts.Select((count, i) => new LatencyBin(LowerMicroseconds(i), UpperMicroseconds(i), count))];

    /// <summary>
    /// <paramref name="count"/> requests whose latencies are lognormal (median <paramref name="medianMilliseconds"/>,
    /// spread <paramref name="sigma"/> on the log scale), binned like the router's: each bin holds its expected share,
    /// rounded, so a test sees the distribution without sampling noise.
    /// </summary>
    public static IReadOnlyList<LatencyBin> Lognormal(double medianMilliseconds, long count, double sigma = 0.5)
    {
        var counts = new long[Count];
        var logMedian = Math.Log(medianMilliseconds * 1000);
        var below = 0.0;
        for (var i = 0; i < Count; i++)
        {
            var upper = UpperMicroseconds(i);
            var cumulative = double.IsInfinity(upper) ? 1 : Normal.CDF(0, 1, (Math.Log(upper) - logMedian) / sigma);
            counts[i] = (long)Math.Round(count * (cumulative - below));
            below = cumulative;
        }

        return ToBins(counts);
    }

    /// <summary>One bin of the router's, holding <paramref name="count"/> requests of about <paramref name="milliseconds"/>.</summary>
    public static LatencyBin At(double milliseconds, long count)
    {
        var i = IndexOf((long)(milliseconds * 1000));
        return new LatencyBin(LowerMicroseconds(i), UpperMicroseconds(i), count);
    }
}
