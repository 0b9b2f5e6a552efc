using MathNet.Numerics.Distributions;

namespace Slipway.Core.Analysis.Judge;

/// <summary>
/// The one-sided Mann-Whitney U test of H0 "the canary is no slower than the stable revision × tolerance" against
/// H1 "the canary's latencies are stochastically larger than that", from the router's latency bins.
/// <para>
/// U counts the (canary, stable) pairs in which the canary request was slower, ties counting one half. The router
/// keeps latencies in log-linear bins, so every request of a bin ties with every other of the same bin: the variance
/// of U takes the ties into account (the textbook tie correction), and the p-value is the normal approximation, with
/// a continuity correction of one half.
/// </para>
/// <para>
/// The tolerance τ is applied by multiplying every stable latency by τ and comparing: a stable bin [a, b) becomes
/// [τa, τb), whose requests are spread over the bins it overlaps in proportion to the overlap, as if they were
/// uniform within it (the router keeps no finer detail). With τ = 1.1 and bins 14–25 % wide, a scaled bin straddles
/// two bins; the error this assumption makes is a fraction of a bin, well inside the tolerance itself.
/// </para>
/// </summary>
internal static class LatencyTest
{
    public static OneSidedTest Run(IReadOnlyList<LatencyBin> canary, IReadOnlyList<LatencyBin> stable, double tolerance)
    {
        ArgumentNullException.ThrowIfNull(canary);
        ArgumentNullException.ThrowIfNull(stable);
        if (!(tolerance > 0) || double.IsInfinity(tolerance))
        {
            throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "the latency tolerance is a positive ratio");
        }

        var edges = Edges(canary, stable);
        var canaryCells = Spread(canary, edges, 1);
        var stableCells = Spread(stable, edges, tolerance);
        return MannWhitney(canaryCells, stableCells);
    }

    /// <summary>
    /// The one-sided test of "the first sample is stochastically larger" on counts per ordered cell (every value of a
    /// cell ties with every other): U = Σ cᵢ (S₍&lt;ᵢ₎ + sᵢ/2); under H0 E[U] = n₁n₂/2 and
    /// Var[U] = n₁n₂/12 · (N + 1 − Σ(tᵢ³ − tᵢ)/(N(N − 1))), tᵢ = cᵢ + sᵢ (e.g. Hollander, Wolfe and Chicken,
    /// Nonparametric Statistical Methods, 3rd ed., §4.1, large-sample approximation with ties).
    /// </summary>
    public static OneSidedTest MannWhitney(IReadOnlyList<double> first, IReadOnlyList<double> second)
    {
        if (first.Count != second.Count)
        {
            throw new ArgumentException("both samples are counted over the same cells");
        }

        double n1 = first.Sum(), n2 = second.Sum(), total = n1 + n2;
        if (n1 <= 0 || n2 <= 0)
        {
            return new OneSidedTest(0, 1, "Mann-Whitney U test");
        }

        double u = 0, below = 0, ties = 0;
        for (var i = 0; i < first.Count; i++)
        {
            u += first[i] * (below + second[i] / 2);
            below += second[i];
            var t = first[i] + second[i];
            ties += (t * t * t) - t;
        }

        var variance = n1 * n2 / 12 * (total + 1 - (ties / (total * (total - 1))));
        var excess = u - (n1 * n2 / 2);
        if (!(variance > 1e-9 * n1 * n2 * (total + 1) / 12))
        {
            // Every request in one bin: nothing tells the two apart.
            return new OneSidedTest(0, 1, "Mann-Whitney U test");
        }

        var sd = Math.Sqrt(variance);
        var z = excess / sd;
        var corrected = Math.Sign(excess) * Math.Max(0, Math.Abs(excess) - 0.5) / sd;
        return new OneSidedTest(z, Normal.CDF(0, 1, -corrected), "Mann-Whitney U test");
    }

    /// <summary>The median of binned latencies in milliseconds, interpolated within its bin (NaN with no request;
    /// the lower bound of an open-ended last bin).</summary>
    public static double MedianMilliseconds(IReadOnlyList<LatencyBin> bins)
    {
        var ordered = Ordered(bins);
        var total = 0.0;
        foreach (var bin in ordered)
        {
            total += bin.Count;
        }

        if (total <= 0)
        {
            return double.NaN;
        }

        var half = total / 2;
        var seen = 0.0;
        foreach (var bin in ordered)
        {
            if (bin.Count > 0 && seen + bin.Count >= half)
            {
                var width = double.IsInfinity(bin.UpperMicroseconds) ? 0 : bin.UpperMicroseconds - bin.LowerMicroseconds;
                return (bin.LowerMicroseconds + (width * (half - seen) / bin.Count)) / 1000;
            }

            seen += bin.Count;
        }

        return double.NaN;
    }

    /// <summary>The bins by their lower bound (the router's already are, and are returned as they are).</summary>
    private static IReadOnlyList<LatencyBin> Ordered(IReadOnlyList<LatencyBin> bins)
    {
        for (var i = 1; i < bins.Count; i++)
        {
            if (bins[i].LowerMicroseconds < bins[i - 1].LowerMicroseconds)
            {
                return [.. bins.OrderBy(b => b.LowerMicroseconds)];
            }
        }

        return bins;
    }

    /// <summary>
    /// The cells both samples are counted on: every bin edge either side reported, from 0 to +∞ (so gaps between
    /// reported bins, and scaled stable latencies past the last finite edge, have a cell too). When both sides come
    /// from the router these are the router's own bins, and the canary's counts land in them unchanged.
    /// </summary>
    private static double[] Edges(IReadOnlyList<LatencyBin> canary, IReadOnlyList<LatencyBin> stable)
    {
        double[] first = EdgesOf(canary), second = EdgesOf(stable);
        var edges = new List<double>(first.Length + second.Length + 2) { 0 };
        int i = 0, j = 0;
        while (i < first.Length || j < second.Length)
        {
            var next = j == second.Length || (i < first.Length && first[i] <= second[j]) ? first[i++] : second[j++];
            if (next > edges[^1])
            {
                edges.Add(next);
            }
        }

        if (!double.IsPositiveInfinity(edges[^1]))
        {
            edges.Add(double.PositiveInfinity);
        }

        return [.. edges];
    }

    /// <summary>One side's bin edges in order (the router's bins already are).</summary>
    private static double[] EdgesOf(IReadOnlyList<LatencyBin> bins)
    {
        var edges = new double[2 * bins.Count];
        var sorted = true;
        for (var i = 0; i < bins.Count; i++)
        {
            var bin = bins[i];
            if (!(bin.LowerMicroseconds >= 0) || !(bin.UpperMicroseconds > bin.LowerMicroseconds) || bin.Count < 0)
            {
                throw new ArgumentException($"a latency bin is [lower, upper) with 0 ≤ lower < upper and a count ≥ 0, not [{bin.LowerMicroseconds}, {bin.UpperMicroseconds}) × {bin.Count}");
            }

            edges[2 * i] = bin.LowerMicroseconds;
            edges[(2 * i) + 1] = bin.UpperMicroseconds;
            sorted &= i == 0 || bin.LowerMicroseconds >= edges[(2 * i) - 1];
        }

        if (!sorted)
        {
            Array.Sort(edges);
        }

        return edges;
    }

    /// <summary>Each bin's count, its bounds multiplied by <paramref name="scale"/>, spread over the cells it overlaps in
    /// proportion to the overlap (uniform within the bin). An open-ended bin goes whole to the cell its lower bound is in.</summary>
    private static double[] Spread(IReadOnlyList<LatencyBin> bins, double[] edges, double scale)
    {
        var cells = new double[edges.Length - 1];
        foreach (var bin in bins)
        {
            if (bin.Count == 0)
            {
                continue;
            }

            double lower = bin.LowerMicroseconds * scale, upper = bin.UpperMicroseconds * scale;
            var first = Math.Max(0, Array.BinarySearch(edges, lower) is var found && found >= 0 ? found : ~found - 1);
            if (double.IsInfinity(upper))
            {
                cells[Math.Min(first, cells.Length - 1)] += bin.Count;
                continue;
            }

            for (var i = first; i < cells.Length && edges[i] < upper; i++)
            {
                var overlap = Math.Min(upper, edges[i + 1]) - Math.Max(lower, edges[i]);
                if (overlap > 0)
                {
                    cells[i] += bin.Count * overlap / (upper - lower);
                }
            }
        }

        return cells;
    }
}
