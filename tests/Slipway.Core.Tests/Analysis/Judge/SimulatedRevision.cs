using MathNet.Numerics.Distributions;
using Slipway.Core.Analysis.Judge;

namespace Slipway.Core.Tests.Analysis.Judge;

/// <summary>
/// A revision serving simulated requests as the router counts them, cumulatively: each request fails with probability
/// <paramref name="errorRate"/> and takes a lognormal time (median <paramref name="medianMilliseconds"/>, spread
/// <paramref name="sigma"/> on the log scale: with 0.5, p90 ≈ 1.9 × median) that lands in one of the router's latency
/// buckets. The bucket is drawn directly from the lognormal's probability of each bucket — the same distribution as
/// timing a request and binning it, for one random number.
/// </summary>
internal sealed class SimulatedRevision
{
    private readonly double _errorRate;
    private readonly double[] _cumulative = new double[RouterLatencyBins.Count];
    private readonly long[] _bins = new long[RouterLatencyBins.Count];
    private long _requests;
    private long _errors;

    public SimulatedRevision(double errorRate, double medianMilliseconds, double sigma = 0.5)
    {
        _errorRate = errorRate;
        var logMedian = Math.Log(medianMilliseconds * 1000);
        for (var i = 0; i < _cumulative.Length; i++)
        {
            var upper = RouterLatencyBins.UpperMicroseconds(i);
            _cumulative[i] = double.IsInfinity(upper) ? 1 : Normal.CDF(0, 1, (Math.Log(upper) - logMedian) / sigma);
        }
    }

    public void Serve(Random random, int requests)
    {
        for (var i = 0; i < requests; i++)
        {
            if (random.NextDouble() < _errorRate)
            {
                _errors++;
            }

            var bucket = Array.BinarySearch(_cumulative, random.NextDouble());
            _bins[Math.Min(bucket >= 0 ? bucket + 1 : ~bucket, _bins.Length - 1)]++;
        }

        _requests += requests;
    }

    public RevisionSample Sample() => new(_requests, _errors, RouterLatencyBins.ToBins(_bins));
}
