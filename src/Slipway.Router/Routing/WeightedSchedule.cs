namespace Slipway.Router.Routing;

/// <summary>
/// A precomputed cyclic order of picks that gives each revision exactly its share of traffic, interleaved smoothly
/// (nginx's smooth weighted round-robin, run once at compile time). A request takes the next slot with one
/// interlocked increment, so the split is exact over any window of a cycle and the hot path takes no lock.
/// Weights 10/90 give the cycle [s,s,s,s,c,s,s,s,s,s]: one canary pick in every ten consecutive requests.
/// </summary>
internal sealed class WeightedSchedule
{
    // Bounds the cycle (and memory) for unusual weights such as 1/99999; shares stay within 1/MaxSlots of exact.
    private const int MaxSlots = 10_000;

    private readonly int[] _slots;

    private WeightedSchedule(int[] slots) => _slots = slots;

    /// <summary>Length of one cycle.</summary>
    public int Length => _slots.Length;

    /// <summary>Index (into the weights given to <see cref="Create"/>) picked for the <paramref name="sequence"/>-th request.</summary>
    public int Pick(ulong sequence) => _slots[(int)(sequence % (ulong)_slots.Length)];

    /// <summary>A schedule over the positive entries of <paramref name="weights"/>; null when none is positive.</summary>
    public static WeightedSchedule? Create(IReadOnlyList<int> weights)
    {
        var reduced = Reduce(weights);
        long total = 0;
        foreach (var w in reduced)
        {
            total += w;
        }

        if (total == 0)
        {
            return null;
        }

        var slots = new int[total];
        var current = new long[reduced.Length];
        for (var s = 0; s < slots.Length; s++)
        {
            var best = -1;
            for (var i = 0; i < reduced.Length; i++)
            {
                if (reduced[i] == 0)
                {
                    continue;
                }

                current[i] += reduced[i];
                if (best < 0 || current[i] > current[best])
                {
                    best = i;
                }
            }

            current[best] -= total;
            slots[s] = best;
        }

        return new WeightedSchedule(slots);
    }

    private static int[] Reduce(IReadOnlyList<int> weights)
    {
        var result = new int[weights.Count];
        long total = 0;
        var gcd = 0;
        for (var i = 0; i < weights.Count; i++)
        {
            var w = Math.Max(0, weights[i]);
            result[i] = w;
            total += w;
            gcd = Gcd(gcd, w);
        }

        if (gcd > 1)
        {
            total /= gcd;
            for (var i = 0; i < result.Length; i++)
            {
                result[i] /= gcd;
            }
        }

        if (total > MaxSlots)
        {
            for (var i = 0; i < result.Length; i++)
            {
                if (result[i] > 0)
                {
                    // Never scale a positive weight to zero: a 0.001 % canary still gets a request now and then.
                    result[i] = (int)Math.Max(1, Math.Round((double)result[i] * MaxSlots / total));
                }
            }
        }

        return result;
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
