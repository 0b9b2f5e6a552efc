using MathNet.Numerics;
using MathNet.Numerics.Distributions;

namespace Slipway.Core.Analysis.Judge;

/// <summary>
/// The one-sided test of H0 "canary error rate ≤ stable error rate + margin" against H1 "the canary has more errors
/// than that", from the two revisions' request and error counts.
/// <list type="bullet">
/// <item>Margin 0, small counts: Fisher's exact test, conditional on the total errors (under H0 the canary's share
/// of them is hypergeometric). The judge tests at levels of 10⁻³ to 10⁻⁵, where the normal approximation is wrong
/// by a factor of several until there are thousands of errors — the canary's error count is skewed — and wrong on the
/// side of failing good canaries; the exact test never is (its discreteness makes it, if anything, cautious).</item>
/// <item>Margin 0, large counts: the two-proportion z-test with pooled variance, once the canary's error count has a
/// conditional variance of <see cref="ExactVarianceLimit"/> or more; its skewness is then below 1 %, and its
/// p-value agrees with the exact one to a few percent even at 10⁻⁵.</item>
/// <item>A margin δ &gt; 0: the z-test of Farrington and Manning (1990), whose variance is taken at the maximum
/// likelihood rates under the null boundary p_canary = p_stable + δ. The pooled variance would assume the two rates
/// equal, which H0 no longer says; the unpooled (Wald) variance is zero when a side has no errors and fails
/// canaries on a handful of requests. There is no simple exact test with a margin.</item>
/// </list>
/// </summary>
internal static class ErrorRateTest
{
    /// <summary>The variance of the canary's error count (given the total) from which the z-test replaces the exact
    /// one: a standard deviation of 100 errors, a skewness under 0.01.</summary>
    public const double ExactVarianceLimit = 10_000;

    public static OneSidedTest Run(long canaryRequests, long canaryErrors, long stableRequests, long stableErrors, double margin)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(canaryRequests, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stableRequests, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(canaryErrors);
        ArgumentOutOfRangeException.ThrowIfNegative(stableErrors);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(canaryErrors, canaryRequests);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(stableErrors, stableRequests);
        if (!(margin >= 0 && margin < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(margin), margin, "the error-rate margin is from 0 to 1 (exclusive)");
        }

        if (margin > 0)
        {
            var fm = FarringtonManningZ(canaryRequests, canaryErrors, stableRequests, stableErrors, margin);
            return new OneSidedTest(fm, UpperTail(fm), "Farrington–Manning z-test");
        }

        var z = PooledZ(canaryRequests, canaryErrors, stableRequests, stableErrors);
        if (ConditionalVariance(canaryRequests, stableRequests, canaryErrors + stableErrors) < ExactVarianceLimit)
        {
            return new OneSidedTest(z, FisherUpperTail(canaryRequests, canaryErrors, stableRequests, stableErrors), "Fisher's exact test");
        }

        return new OneSidedTest(z, UpperTail(z), "pooled two-proportion z-test");
    }

    /// <summary>
    /// Fisher's exact one-sided p-value: P(X ≥ canaryErrors) where X, the canary's share of all errors, is
    /// hypergeometric (all requests N, all errors E, the canary's n₁ requests drawn). Summed from the observed count
    /// outwards with the ratio of consecutive terms, so it is exact to rounding at any size.
    /// </summary>
    public static double FisherUpperTail(long canaryRequests, long canaryErrors, long stableRequests, long stableErrors)
    {
        long n1 = canaryRequests, x = canaryErrors, total = canaryRequests + stableRequests, errors = canaryErrors + stableErrors;
        long low = Math.Max(0, n1 - (total - errors)), high = Math.Min(n1, errors);
        if (x <= low)
        {
            return 1;
        }

        var mean = (double)n1 * errors / total;
        if (x <= mean)
        {
            // The upper tail is large; sum the small lower tail P(X ≤ x − 1) instead.
            return Math.Clamp(1 - SumTail(x - 1, low, -1), 0, 1);
        }

        return Math.Clamp(SumTail(x, high, +1), 0, 1);

        // Σ P(X = k) for k from `from` to `to` in `step`s, stopping once the terms no longer matter.
        double SumTail(long from, long to, int step)
        {
            var term = Math.Exp(LogChoose(errors, from) + LogChoose(total - errors, n1 - from) - LogChoose(total, n1));
            var sum = 0.0;
            for (var k = from; term > 0; k += step)
            {
                sum += term;
                if (k == to || term < sum * 1e-17)
                {
                    break;
                }

                // P(X = k + 1) / P(X = k) = (E − k)(n₁ − k) / ((k + 1)(N − E − n₁ + k + 1)), and its inverse going down.
                term *= step > 0
                    ? (double)(errors - k) * (n1 - k) / ((double)(k + 1) * (total - errors - n1 + k + 1))
                    : (double)k * (total - errors - n1 + k) / ((double)(errors - k + 1) * (n1 - k + 1));
            }

            return sum;
        }
    }

    /// <summary>The two-proportion z-statistic with pooled variance (0 when no request or every request failed).</summary>
    public static double PooledZ(long canaryRequests, long canaryErrors, long stableRequests, long stableErrors)
    {
        var pooled = (double)(canaryErrors + stableErrors) / (canaryRequests + stableRequests);
        var variance = pooled * (1 - pooled) * (1.0 / canaryRequests + 1.0 / stableRequests);
        var difference = (double)canaryErrors / canaryRequests - (double)stableErrors / stableRequests;
        return variance > 0 ? difference / Math.Sqrt(variance) : 0;
    }

    /// <summary>
    /// Farrington and Manning's z = (p̂₁ − p̂₂ − δ) / √(p̃₁(1 − p̃₁)/n₁ + p̃₂(1 − p̃₂)/n₂), where p̃₁ = p̃₂ + δ are the
    /// maximum-likelihood rates under that constraint, the root of a cubic (Farrington and Manning 1990, eq. 2–3, in the
    /// closed form of Miettinen and Nurminen 1985).
    /// </summary>
    public static double FarringtonManningZ(long canaryRequests, long canaryErrors, long stableRequests, long stableErrors, double margin)
    {
        var (canary, stable) = RestrictedRates(canaryRequests, canaryErrors, stableRequests, stableErrors, margin);
        var variance = canary * (1 - canary) / canaryRequests + stable * (1 - stable) / stableRequests;
        var difference = (double)canaryErrors / canaryRequests - (double)stableErrors / stableRequests - margin;
        return variance > 0 ? difference / Math.Sqrt(variance) : 0;
    }

    /// <summary>The canary's and the stable revision's error rates that maximise the likelihood subject to
    /// canary = stable + margin.</summary>
    public static (double Canary, double Stable) RestrictedRates(long canaryRequests, long canaryErrors, long stableRequests, long stableErrors, double margin)
    {
        double p1 = (double)canaryErrors / canaryRequests, p2 = (double)stableErrors / stableRequests, d = margin;
        var theta = (double)stableRequests / canaryRequests;
        var a = 1 + theta;
        var b = -(1 + theta + p1 + theta * p2 + d * (theta + 2));
        var c = d * d + d * (2 * p1 + theta + 1) + p1 + theta * p2;
        var e = -p1 * d * (1 + d);
        var v = b * b * b / (27 * a * a * a) - b * c / (6 * a * a) + e / (2 * a);
        var u = Math.Sign(v) * Math.Sqrt(Math.Max(0, b * b / (9 * a * a) - c / (3 * a)));
        var cosine = u == 0 ? 0 : Math.Clamp(v / (u * u * u), -1, 1);
        var w = (Math.PI + Math.Acos(cosine)) / 3;
        var canary = Math.Clamp(2 * u * Math.Cos(w) - b / (3 * a), d, 1);
        return (canary, Math.Clamp(canary - d, 0, 1 - d));
    }

    /// <summary>The variance of the canary's error count given all errors under H0 (hypergeometric).</summary>
    private static double ConditionalVariance(long canaryRequests, long stableRequests, long errors)
    {
        double total = canaryRequests + stableRequests, share = canaryRequests / total;
        return total <= 1 ? 0 : errors * share * (1 - share) * (total - errors) / (total - 1);
    }

    private static double LogChoose(long n, long k) =>
        SpecialFunctions.GammaLn(n + 1.0) - SpecialFunctions.GammaLn(k + 1.0) - SpecialFunctions.GammaLn(n - k + 1.0);

    /// <summary>P(Z ≥ z) for a standard normal Z, accurate far into the tail (through erfc, not 1 − Φ).</summary>
    public static double UpperTail(double z) => Normal.CDF(0, 1, -z);
}
