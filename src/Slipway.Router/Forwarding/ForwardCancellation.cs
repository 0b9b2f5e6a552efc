using System.Collections.Concurrent;

namespace Slipway.Router.Forwarding;

/// <summary>
/// Cancellation for one forwarded request: fires when the client aborts or when the backend stays silent for the
/// backend timeout. Rented from <see cref="ForwardCancellationPool"/> because a linked source and a timer per request
/// show up in allocation profiles; <see cref="Touch"/> restarts the timeout on activity, so it bounds silence, not
/// the length of a long download.
/// </summary>
internal sealed class ForwardCancellation : CancellationTokenSource
{
    private CancellationTokenRegistration _clientAborted;
    private TimeSpan _timeout;

    public ForwardCancellation(TimeProvider timeProvider)
        : base(Timeout.InfiniteTimeSpan, timeProvider)
    {
    }

    public void Start(CancellationToken clientAborted, TimeSpan timeout)
    {
        _timeout = timeout;
        if (clientAborted.CanBeCanceled)
        {
            _clientAborted = clientAborted.UnsafeRegister(static state => ((ForwardCancellation)state!).Cancel(), this);
        }

        CancelAfter(timeout);
    }

    /// <summary>The backend or the client made progress: restart the timeout.</summary>
    public void Touch() => CancelAfter(_timeout);

    /// <summary>Detaches from the client and stops the timer; false when the source fired and cannot be reused.</summary>
    public bool TryResetForReuse()
    {
        _clientAborted.Dispose();
        _clientAborted = default;
        if (IsCancellationRequested)
        {
            return false;
        }

        CancelAfter(Timeout.InfiniteTimeSpan);
        return TryReset();
    }
}

/// <summary>A bounded pool of <see cref="ForwardCancellation"/>; sources that fired are disposed, not reused.</summary>
internal sealed class ForwardCancellationPool(TimeProvider timeProvider)
{
    private const int MaxPooled = 1024;

    private readonly ConcurrentQueue<ForwardCancellation> _pool = new();
    private int _count;

    public ForwardCancellation Rent(CancellationToken clientAborted, TimeSpan timeout)
    {
        if (_pool.TryDequeue(out var source))
        {
            Interlocked.Decrement(ref _count);
        }
        else
        {
            source = new ForwardCancellation(timeProvider);
        }

        source.Start(clientAborted, timeout);
        return source;
    }

    public void Return(ForwardCancellation source)
    {
        if (source.TryResetForReuse())
        {
            if (Interlocked.Increment(ref _count) <= MaxPooled)
            {
                _pool.Enqueue(source);
                return;
            }

            Interlocked.Decrement(ref _count);
        }

        source.Dispose();
    }
}
