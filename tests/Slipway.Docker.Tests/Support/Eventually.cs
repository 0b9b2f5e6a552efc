namespace Slipway.Docker.Tests.Support;

/// <summary>Waits on conditions, never on fixed sleeps: containers start at their own pace, so deadlines are generous.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? TimeSpan.FromSeconds(60));
        while (!await condition())
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"timed out waiting for: {what}");
            }

            await Task.Delay(50);
        }
    }
}
