using Microsoft.Extensions.Logging;
using Slipway.Server.Metrics;

namespace Slipway.Server.Routing;

/// <summary>
/// Writes the router's table and waits until the router serves it, for many reconcile passes at once: a pass that
/// changed its app's routes asks for a publication and waits for it; passes that ask while a table is being written
/// and loaded are served together by the next one. So a thousand instances becoming ready cost a few table writes,
/// not a thousand, and no pass waits for more than one write and load after its own change.
/// </summary>
internal sealed partial class TablePublisher(RouteTable table, RouterAdminClient router, ControlPlaneMetrics metrics, TimeProvider time, ILogger<TablePublisher> logger) : IDisposable
{
    private static readonly TimeSpan RouterCatchUpTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan RouterPollInterval = TimeSpan.FromMilliseconds(20);

    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _lifetime = new();
    private TaskCompletionSource<long>? _next;
    private bool _publishing;
    private long _served = -1;

    /// <summary>The version the router was last seen serving (or last given up on).</summary>
    public long Served => Interlocked.Read(ref _served);

    /// <summary>
    /// Returns once a table including every change made to <see cref="RouteTable"/> before this call is served by the
    /// router — or, when the router is down or slow, once the bounded wait has passed: a router that does not answer
    /// never holds the reconciler, and the next change waits again. Returns the table's version.
    /// </summary>
    public Task<long> PublishAsync(CancellationToken ct)
    {
        Task<long> done;
        lock (_lock)
        {
            _next ??= new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            done = _next.Task;
            if (!_publishing)
            {
                _publishing = true;
                _ = Task.Run(PublishLoopAsync, CancellationToken.None);
            }
        }

        return done.WaitAsync(ct);
    }

    public void Dispose()
    {
        _lifetime.Cancel();
        _lifetime.Dispose();
    }

    private async Task PublishLoopAsync()
    {
        while (true)
        {
            TaskCompletionSource<long> batch;
            lock (_lock)
            {
                if (_next is null)
                {
                    _publishing = false;
                    return;
                }

                batch = _next;
                _next = null;
            }

            var started = time.GetTimestamp();
            try
            {
                var before = table.Version;
                var version = table.Write();
                await WaitForRouterAsync(version, _lifetime.Token);
                metrics.ObserveRouterPublish(time.GetElapsedTime(started), table.RouteCount, version != before);
                batch.TrySetResult(version);
            }
            catch (OperationCanceledException)
            {
                batch.TrySetCanceled();
            }
            catch (Exception e)
            {
                Log.PublishFailed(logger, e);
                batch.TrySetException(e);
            }
        }
    }

    private async Task WaitForRouterAsync(long version, CancellationToken ct)
    {
        if (version <= Served)
        {
            return;
        }

        var until = time.GetUtcNow() + RouterCatchUpTimeout;
        do
        {
            if (await router.GetStateAsync(null, ct) is { } state && state.ConfigVersion >= version)
            {
                Interlocked.Exchange(ref _served, state.ConfigVersion);
                return;
            }

            await Task.Delay(RouterPollInterval, time, ct);
        }
        while (time.GetUtcNow() < until);

        Log.RouterBehind(logger, version);
        Interlocked.Exchange(ref _served, version);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "The router has not loaded routing table version {Version} yet; the control plane goes on without it")]
        public static partial void RouterBehind(ILogger logger, long version);

        [LoggerMessage(2, LogLevel.Error, "Writing the router's table failed")]
        public static partial void PublishFailed(ILogger logger, Exception e);
    }
}
