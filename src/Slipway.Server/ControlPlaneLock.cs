namespace Slipway.Server;

/// <summary>
/// Serialises every read-modify-write of persisted state (a reconcile pass, an apply, a rollout
/// command) so that a command never races a pass that computes the next status from the old one.
/// </summary>
internal sealed class ControlPlaneLock
{
    private readonly SemaphoreSlim _semaphore = new(1, 1);

    public async Task<IDisposable> AcquireAsync(CancellationToken ct)
    {
        await _semaphore.WaitAsync(ct);
        return new Releaser(_semaphore);
    }

    private sealed class Releaser(SemaphoreSlim semaphore) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                semaphore.Release();
            }
        }
    }
}
