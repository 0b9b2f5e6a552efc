namespace Slipway.Router;

/// <summary>
/// Runs the router as a long-lived process (the <c>slipway router</c> command). It depends only on its table file,
/// so it keeps serving while the controller is down, restarting or being upgraded.
/// </summary>
public static class RouterHost
{
    /// <summary>
    /// Runtime settings to put in the environment of a process that will run the router, because the runtime reads
    /// them only at start (measurements in bench/README.md; a variable the environment already has wins):
    /// <list type="bullet">
    /// <item>a 64 MiB generation-0 budget (the default follows the CPU cache size), so the per-request garbage is
    /// collected less often: about a tenth more throughput on a 2-core machine;</item>
    /// <item>socket completions (the forwarder's backend connections) continue on the epoll thread instead of being
    /// queued to the thread pool: about a tenth less CPU per proxied request.</item>
    /// </list>
    /// </summary>
    public static IReadOnlyDictionary<string, string> ProcessEnvironment { get; } = new Dictionary<string, string>
    {
        ["DOTNET_GCgen0size"] = "0x4000000",
        ["DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"] = "1",
    };

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
