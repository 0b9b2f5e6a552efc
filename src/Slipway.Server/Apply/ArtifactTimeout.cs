namespace Slipway.Server.Apply;

/// <summary>
/// Runs a pass over an artifact directory with a time limit. The pass runs on the thread pool and the caller stops
/// waiting at the deadline, even if the pass is stuck in a system call that no cancellation token can interrupt
/// (a read on a hung network file system); the pass is cancelled and finishes, cleaning up, whenever it can.
/// </summary>
internal static class ArtifactTimeout
{
    /// <exception cref="TimeoutException">The pass took longer than <paramref name="limit"/>.</exception>
    public static async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> pass, TimeSpan limit, TimeProvider time, CancellationToken ct)
    {
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // The token is taken now (a disposed source's Token throws), and Task.Run is not given it: a pass that had not
        // started by the deadline still starts, sees it is cancelled and finishes, rather than being dropped unseen.
        var token = abandon.Token;
        var work = Task.Run(() => pass(token), CancellationToken.None);
        try
        {
            return await work.WaitAsync(limit, time, ct);
        }
        catch (TimeoutException)
        {
            await abandon.CancelAsync();
            _ = work.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw;
        }
    }
}
