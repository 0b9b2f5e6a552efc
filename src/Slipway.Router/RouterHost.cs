namespace Slipway.Router;

/// <summary>
/// Runs the router as a long-lived process (the <c>slipway router</c> command). It depends only on its table file,
/// so it keeps serving while the controller is down, restarting or being upgraded.
/// </summary>
public static class RouterHost
{
    /// <summary>Serves until <paramref name="ct"/> is cancelled, then drains requests in flight and returns.</summary>
    public static async Task RunAsync(RouterOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        await using var server = new RouterServer(options);
        await server.StartAsync(ct).ConfigureAwait(false);
        try
        {
            await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The normal way to stop.
        }
    }
}
