using Slipway.Router.Metrics;
using Slipway.Router.Routing;

namespace Slipway.Router.Forwarding;

/// <summary>
/// Sends copies of requests to a mirror revision, fire-and-forget: the copy runs on its own task, its response is read
/// and discarded, and its failures are ignored. A cap on copies in flight keeps a slow mirror from piling up work
/// that would eventually slow the real traffic.
/// </summary>
internal sealed class MirrorSender(HttpMessageInvoker invoker, TimeSpan timeout, int maxConcurrent, RouterMetrics metrics, TimeProvider timeProvider)
{
    private int _inFlight;

    /// <summary>Starts sending <paramref name="request"/> (which this takes ownership of); false when it was skipped.</summary>
    public bool TrySend(HttpRequestMessage request, BackendEndpoint endpoint, RevisionMetrics revision)
    {
        if (Interlocked.Increment(ref _inFlight) > maxConcurrent)
        {
            Interlocked.Decrement(ref _inFlight);
            request.Dispose();
            metrics.RecordMirrorSkipped();
            return false;
        }

        endpoint.Enter();
        revision.RecordMirror();
        ThreadPool.UnsafeQueueUserWorkItem(static state => _ = state.Sender.SendAsync(state.Request, state.Endpoint),
            (Sender: this, Request: request, Endpoint: endpoint), preferLocal: false);
        return true;
    }

    private async Task SendAsync(HttpRequestMessage request, BackendEndpoint endpoint)
    {
        using var cancellation = new CancellationTokenSource(timeout, timeProvider);
        try
        {
            using var response = await invoker.SendAsync(request, cancellation.Token).ConfigureAwait(false);
            // Drain rather than drop the body so the connection goes back to the pool.
            await response.Content.CopyToAsync(Stream.Null, cancellation.Token).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // A mirror's failure is not the client's concern and must not surface anywhere.
        }
        finally
        {
            request.Dispose();
            endpoint.Exit();
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
