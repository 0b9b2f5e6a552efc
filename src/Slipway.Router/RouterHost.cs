namespace Slipway.Router;

/// <summary>
/// Runs the router as a long-lived process (the <c>slipway router</c> command). It depends only on its table file,
/// so it keeps serving while the controller is down, restarting or being upgraded.
/// </summary>
public static class RouterHost
{
    /// <summary>
    /// Runtime settings to put in the environment of a process that will run the router, because the runtime reads
    /// them only at start: a 64 MiB generation-0 budget (the default follows the CPU cache size), so the
    /// per-request garbage is collected less often — about a tenth more throughput on a 2-core machine
    /// (bench/README.md). A variable the environment already has wins.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ProcessEnvironment { get; } =
        new Dictionary<string, string> { ["DOTNET_GCgen0size"] = "0x4000000" };

    /// <summary>Serves until <paramref name="ct"/> is cancelled, then drains requests in flight and returns.</summary>
    public static async Task RunAsync(RouterOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        EnableInlineSocketCompletions();
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

    /// <summary>
    /// Lets socket completions (the backend connections of the forwarder) continue on the epoll thread instead of
    /// being queued to the thread pool: about a tenth less CPU per proxied request on a 2-core machine. The runtime
    /// reads this variable once, when the first socket operation starts, so it only takes effect if the process
    /// has not used sockets yet — true for the <c>slipway router</c> command. An explicit setting wins.
    /// </summary>
    private static void EnableInlineSocketCompletions()
    {
        const string variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
        if (Environment.GetEnvironmentVariable(variable) is null)
        {
            Environment.SetEnvironmentVariable(variable, "1");
        }
    }
}
