using System.Numerics;

namespace Slipway.Router.Metrics;

/// <summary>
/// The latency buckets of a <see cref="SlidingWindow"/>, log-linear as in HdrHistogram: every power of two from 64 µs
/// to 2^25 µs (33.6 s) is split into 4 equal buckets — 64, 80, 96, 112, 128, 160 … µs — so a bucket is at most 25 %
/// wider than its lower bound at any scale. Below 64 µs is one bucket, 33.6 s and above another. The index of a
/// duration is a leading-zero count and a shift, with no search. Bucket <c>i</c> holds durations in
/// [<see cref="LowerMicroseconds"/>, <see cref="UpperMicroseconds"/>).
/// </summary>
internal static class LatencyBuckets
{
    /// <summary>1 (under 64 µs) + 19 octaves × 4 + 1 (33.6 s and over).</summary>
    public const int Count = 1 + (LastOctave - FirstOctave + 1) * SubBuckets + 1;

    private const int FirstOctave = 6; // 2^6 µs = 64 µs
    private const int LastOctave = 24; // [2^24, 2^25) µs = [16.8 s, 33.6 s)
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

        // The two bits below the leading one say which quarter of the octave the duration is in.
        var quarter = (int)(microseconds >> (octave - 2)) & (SubBuckets - 1);
        return 1 + (octave - FirstOctave) * SubBuckets + quarter;
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

        var octave = FirstOctave + (index - 1) / SubBuckets;
        var quarter = (index - 1) % SubBuckets;
        return (double)(1L << (octave - 2)) * (SubBuckets + quarter);
    }

    /// <summary>The exclusive upper bound; +∞ for the last bucket.</summary>
    public static double UpperMicroseconds(int index) =>
        index >= Count - 1 ? double.PositiveInfinity : LowerMicroseconds(index + 1);
}
