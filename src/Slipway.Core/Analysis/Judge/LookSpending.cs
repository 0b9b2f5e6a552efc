namespace Slipway.Core.Analysis.Judge;

/// <summary>
/// How an analysis spends α — the chance, over the whole analysis, of failing a canary that is no worse — over its
/// looks. Each look tests at a share of α and the shares add up to at most α, so by Bonferroni's inequality the chance
/// of any false failure is at most α whatever the dependence between looks: consecutive looks share most of their
/// data, and a window would change how much, so no method that relies on the exact dependence is safe here.
/// <para>
/// Bonferroni does not ask for equal shares. The looks are cumulative, so the last look of a planned analysis sees the
/// most requests; the even split (α/K each) spends 90 % of α on looks that see less. With
/// <see cref="FinalShare"/> the last look gets that share and the others split the rest: a canary slightly worse is
/// caught by the last look more often, a canary clearly worse is still caught at the first looks. With no plan the
/// share of look k is α·h/((k + h)(k + h − 1)), h = <see cref="HalfSpentLook"/>: they add up to α·k/(k + h) by look k,
/// half of α by look h, and α as k grows. h = 1 is α/(k(k + 1)), which spends half of α on the first look, the one
/// with the fewest requests.
/// </para>
/// </summary>
/// <param name="FinalShare">The share of α the last look of a planned analysis tests at (at least 1/K).</param>
/// <param name="HalfSpentLook">With no plan, the look by which half of α is spent.</param>
internal sealed record LookSpending(double FinalShare, double HalfSpentLook)
{
    /// <summary>The judge's: three quarters of α on the last look of a planned analysis; half of α by the tenth look of
    /// one that runs until the rollout ends. docs/judge.md has the simulations that chose them.</summary>
    public static readonly LookSpending Default = new(0.75, 10);

    /// <summary>The textbook split, kept to compare against: α/K for each of K planned looks, α/(k(k + 1)) with no plan.</summary>
    public static readonly LookSpending Even = new(0, 1);

    /// <summary>The level look <paramref name="look"/> (from 1) of <paramref name="plannedLooks"/> (null: as many as the
    /// rollout takes) tests at, out of <paramref name="alpha"/> for the whole analysis. With a plan, α holds as long as
    /// at most <paramref name="plannedLooks"/> looks had the traffic to test, whatever their numbers.</summary>
    public double LevelAt(double alpha, int look, int? plannedLooks)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(look, 1);
        if (plannedLooks is not { } planned)
        {
            return alpha * HalfSpentLook / ((look + HalfSpentLook) * (look + HalfSpentLook - 1));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(planned, 1);
        var final = Math.Max(FinalShare, 1.0 / planned);
        var before = planned == 1 ? alpha : alpha * (1 - final) / (planned - 1);

        // A look past the plan: earlier looks had too little traffic to test and were not counted (lowTraffic: extend).
        // It takes the smallest planned share: as at most `planned` looks test, each look past the plan stands for
        // one within it that did not test, whose share was at least as large, and the sum stays within α.
        return look == planned ? alpha * final : before;
    }
}
