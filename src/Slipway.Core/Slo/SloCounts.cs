namespace Slipway.Core.Slo;

/// <summary>
/// Good and total requests over some time: what an SLO is computed from. Doubles, not integers, because a Prometheus
/// indicator may answer with rates; the router's counts are whole numbers.
/// </summary>
public readonly record struct SloCounts(double Good, double Total)
{
    public static readonly SloCounts None = new(0, 0);

    /// <summary>The requests that were not good.</summary>
    public double Bad => Total - Good;

    /// <summary>Bad over total, 0 to 1. A time without traffic had no errors: it burns nothing, so its ratio is 0.</summary>
    public double ErrorRatio => Total <= 0 ? 0 : Math.Clamp(Bad / Total, 0, 1);

    public static SloCounts operator +(SloCounts a, SloCounts b) => new(a.Good + b.Good, a.Total + b.Total);
}
