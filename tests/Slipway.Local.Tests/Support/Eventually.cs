namespace Slipway.Local.Tests.Support;

/// <summary>Waits on conditions, never on fixed sleeps: real processes start at their own pace, so deadlines are generous.</summary>
internal static class Eventually
{
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(60);

    public static async Task TrueAsync(Func<bool> condition, string what, TimeSpan? deadline = null) =>
        await TrueAsync(() => Task.FromResult(condition()), what, deadline);

    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? DefaultDeadline);
        while (!await condition())
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"timed out waiting for: {what}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Asserts that a condition holds throughout a period (for "stays not ready").</summary>
    public static async Task AlwaysAsync(Func<bool> condition, string what, TimeSpan period)
    {
        var until = DateTime.UtcNow + period;
        while (DateTime.UtcNow < until)
        {
            Assert.True(condition(), what);
            await Task.Delay(50);
        }
    }
}
