using System.Threading.Channels;

namespace Slipway.Server.Reconcile;

/// <summary>
/// The reconciler's queue of app×envs to look at, as Kubernetes controllers' work queues are: a key added many times
/// before a worker takes it is queued once; a key is never handed to two workers at once — added while a worker has
/// it, it is queued again when that worker is done, so the change is not lost; a key can ask to be added later (a
/// pause ending, a deadline), keeping only its earliest time; a failed key comes back with a growing delay.
/// </summary>
internal sealed class WorkQueue : IDisposable
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(30);

    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Channel<AppKey> _ready = Channel.CreateUnbounded<AppKey>();
    private readonly Dictionary<AppKey, DateTimeOffset> _dirty = [];
    private readonly HashSet<AppKey> _processing = [];
    private readonly Dictionary<AppKey, (DateTimeOffset At, ITimer Timer)> _timers = [];
    private readonly Dictionary<AppKey, int> _failures = [];
    private bool _disposed;

    public WorkQueue(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    /// <summary>Keys waiting for a worker (not the ones being worked on, nor the ones due later).</summary>
    public int Depth
    {
        get
        {
            lock (_lock)
            {
                return _dirty.Count - _dirty.Keys.Count(_processing.Contains);
            }
        }
    }

    /// <summary>Something about <paramref name="key"/> changed: a worker looks at it soon.</summary>
    public void Add(AppKey key)
    {
        lock (_lock)
        {
            if (_disposed || !_dirty.TryAdd(key, _time.GetUtcNow()) || _processing.Contains(key))
            {
                return;
            }

            _ready.Writer.TryWrite(key);
        }
    }

    /// <summary>Adds <paramref name="key"/> at <paramref name="at"/> (at once when that has passed); an earlier time already asked for wins.</summary>
    public void AddAt(AppKey key, DateTimeOffset at)
    {
        var delay = at - _time.GetUtcNow();
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }

        lock (_lock)
        {
            if (_disposed || (_timers.TryGetValue(key, out var existing) && existing.At <= at))
            {
                return;
            }

            existing.Timer?.Dispose();
            var timer = _time.CreateTimer(_ => Fire(key, at), null, delay, Timeout.InfiniteTimeSpan);
            _timers[key] = (at, timer);
        }
    }

    /// <summary>The pass over <paramref name="key"/> failed: it comes back after a delay that doubles with each failure in a row.</summary>
    public void AddAfterFailure(AppKey key)
    {
        int failures;
        lock (_lock)
        {
            failures = _failures[key] = _failures.GetValueOrDefault(key) + 1;
        }

        var delay = TimeSpan.FromTicks(Math.Min(LastRetry.Ticks, FirstRetry.Ticks << Math.Min(failures - 1, 20)));
        AddAt(key, _time.GetUtcNow() + delay);
    }

    /// <summary>The pass over <paramref name="key"/> succeeded: its next failure starts the backoff from the beginning.</summary>
    public void Forget(AppKey key)
    {
        lock (_lock)
        {
            _failures.Remove(key);
        }
    }

    /// <summary>Waits for a key to work on; the worker must call <see cref="Done"/> with it. Returns how long it waited in the queue.</summary>
    /// <exception cref="ChannelClosedException">The queue was disposed.</exception>
    public async Task<(AppKey Key, TimeSpan Waited)> TakeAsync(CancellationToken ct)
    {
        while (true)
        {
            if (TryTake(out var key, out var waited))
            {
                return (key, waited);
            }

            if (!await _ready.Reader.WaitToReadAsync(ct))
            {
                throw new ChannelClosedException();
            }
        }
    }

    /// <summary>Takes a key that is ready now, if there is one (see <see cref="TakeAsync"/>).</summary>
    public bool TryTake(out AppKey key, out TimeSpan waited)
    {
        while (_ready.Reader.TryRead(out key))
        {
            lock (_lock)
            {
                // Queued once per dirty period, and never while processed: a stale entry is skipped.
                if (!_processing.Contains(key) && _dirty.Remove(key, out var since))
                {
                    _processing.Add(key);
                    waited = _time.GetUtcNow() - since;
                    return true;
                }
            }
        }

        waited = default;
        return false;
    }

    /// <summary>A worker finished <paramref name="key"/>; if it was added meanwhile, it is queued again.</summary>
    public void Done(AppKey key)
    {
        lock (_lock)
        {
            _processing.Remove(key);
            if (!_disposed && _dirty.ContainsKey(key))
            {
                _ready.Writer.TryWrite(key);
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            foreach (var (_, timer) in _timers.Values)
            {
                timer.Dispose();
            }

            _timers.Clear();
            _ready.Writer.TryComplete();
        }
    }

    private void Fire(AppKey key, DateTimeOffset at)
    {
        lock (_lock)
        {
            if (_timers.TryGetValue(key, out var current) && current.At == at)
            {
                current.Timer.Dispose();
                _timers.Remove(key);
            }
        }

        Add(key);
    }
}
