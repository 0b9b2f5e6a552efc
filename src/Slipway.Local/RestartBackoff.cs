namespace Slipway.Local;

/// <summary>Exponential restart delay: initial × 2^(n−1) for the n-th consecutive failure, capped.</summary>
internal static class RestartBackoff
{
    public static TimeSpan Delay(int consecutiveFailures, TimeSpan initial, TimeSpan max)
    {
        if (consecutiveFailures <= 0)
        {
            return TimeSpan.Zero;
        }

        // Past 2^30 the cap has long been reached; the clamp keeps the shift from overflowing.
        var factor = 1L << Math.Min(consecutiveFailures - 1, 30);
        var ticks = initial.Ticks > max.Ticks / factor ? max.Ticks : initial.Ticks * factor;
        return TimeSpan.FromTicks(Math.Min(ticks, max.Ticks));
    }
}
