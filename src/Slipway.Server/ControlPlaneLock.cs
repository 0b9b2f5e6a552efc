using System.Collections.Concurrent;
using Slipway.Server.Reconcile;

namespace Slipway.Server;

/// <summary>
/// Serialises the read-modify-writes of one app×env's persisted state — its reconcile pass, an apply, a rollout
/// command, a delete — so that a command never races a pass that computes the next status from the old one. Each
/// app×env has its own lock: one app's pass never waits for another's.
/// </summary>
internal sealed class ControlPlaneLock
{
    private readonly ConcurrentDictionary<AppKey, SemaphoreSlim> _locks = new();

    public async Task<IDisposable> AcquireAsync(AppKey key, CancellationToken ct)
    {
        var semaphore = _locks.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await semaphore.WaitAsync(ct);
        return new Releaser([semaphore]);
    }

    /// <summary>Locks every key, in their order (so two callers never wait for each other in a cycle).</summary>
    public async Task<IDisposable> AcquireAsync(IEnumerable<AppKey> keys, CancellationToken ct)
    {
        var held = new List<SemaphoreSlim>();
        try
        {
            foreach (var key in keys.Distinct().Order())
            {
                var semaphore = _locks.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
                await semaphore.WaitAsync(ct);
                held.Add(semaphore);
            }
        }
        catch
        {
            new Releaser(held).Dispose();
            throw;
        }

        return new Releaser(held);
    }

    private sealed class Releaser(List<SemaphoreSlim> semaphores) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                foreach (var semaphore in semaphores)
                {
                    semaphore.Release();
                }
            }
        }
    }
}
