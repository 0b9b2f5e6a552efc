using MathNet.Numerics.Distributions;
using Slipway.Core.Analysis.Judge;

namespace Slipway.Core.Tests.Analysis.Judge;

/// <summary>
/// A revision serving simulated requests as the router counts them, cumulatively: each request fails with probability
/// <paramref name="errorRate"/> and takes a lognormal time (median <paramref name="medianMilliseconds"/>, spread
/// <paramref name="sigma"/> on the log scale: with 0.5, p90 ≈ 1.9 × median) that lands in one of the router's latency
/// buckets. The bucket is drawn directly from the lognormal's probability of each bucket — the same distribution as
/// timing a request and binning it — by Walker's alias method, so a request costs one 64-bit random number: the
/// simulations serve tens of millions of them.
/// </summary>
internal sealed class SimulatedRevision
{
    private readonly uint _errorBelow;
    private readonly uint[] _keepBelow = new uint[RouterLatencyBins.Count];
    private readonly int[] _alias = new int[RouterLatencyBins.Count];
    private readonly long[] _bins = new long[RouterLatencyBins.Count];
    private long _requests;
    private long _errors;

    public SimulatedRevision(double errorRate, double medianMilliseconds, double sigma = 0.5)
    {
        _errorBelow = (uint)Math.Round(errorRate * uint.MaxValue);
        var logMedian = Math.Log(medianMilliseconds * 1000);
        var probabilities = new double[RouterLatencyBins.Count];
        var below = 0.0;
        for (var i = 0; i < probabilities.Length; i++)
        {
            var upper = RouterLatencyBins.UpperMicroseconds(i);
            var cumulative = double.IsInfinity(upper) ? 1 : Normal.CDF(0, 1, (Math.Log(upper) - logMedian) / sigma);
            probabilities[i] = cumulative - below;
            below = cumulative;
        }

        BuildAliasTable(probabilities);
    }

    public void Serve(SplitMix64 random, int requests)
    {
        var n = (ulong)_bins.Length;
        for (var i = 0; i < requests; i++)
        {
            var bits = random.Next();
            if ((uint)bits < _errorBelow)
            {
                _errors++;
            }

            // The high 32 bits pick a column uniformly; what is left of them within the column decides between the
            // column's own bucket and its alias.
            var scaled = (bits >> 32) * n;
            var column = (int)(scaled >> 32);
            _bins[(uint)scaled < _keepBelow[column] ? column : _alias[column]]++;
        }

        _requests += requests;
    }

    public RevisionSample Sample() => new(_requests, _errors, RouterLatencyBins.ToBins(_bins));

    /// <summary>Vose's construction: every column holds 1/n of probability, its own bucket's and one other's.</summary>
    private void BuildAliasTable(double[] probabilities)
    {
        var n = probabilities.Length;
        var scaled = probabilities.Select(p => p * n).ToArray();
        var small = new Stack<int>(Enumerable.Range(0, n).Where(i => scaled[i] < 1));
        var large = new Stack<int>(Enumerable.Range(0, n).Where(i => scaled[i] >= 1));
        while (small.Count > 0 && large.Count > 0)
        {
            int less = small.Pop(), more = large.Pop();
            _keepBelow[less] = (uint)(scaled[less] * uint.MaxValue);
            _alias[less] = more;
            scaled[more] -= 1 - scaled[less];
            (scaled[more] < 1 ? small : large).Push(more);
        }

        foreach (var i in small.Concat(large))
        {
            _keepBelow[i] = uint.MaxValue;
            _alias[i] = i;
        }
    }
}

/// <summary>Steele, Lea and Flood's SplitMix64: a fast generator with a fixed seed, so simulations are repeatable.</summary>
internal sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
