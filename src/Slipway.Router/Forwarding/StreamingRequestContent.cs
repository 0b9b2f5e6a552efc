using System.Buffers;
using System.Net;

namespace Slipway.Router.Forwarding;

/// <summary>
/// The client's request body, relayed to the backend chunk by chunk as it arrives — never buffered whole. Each chunk
/// is flushed so interactive uploads (and 100-continue) keep flowing, and counts as activity for the timeout.
/// </summary>
internal sealed class StreamingRequestContent(Stream source, ForwardCancellation activity) : HttpContent
{
    private const int BufferSize = 64 * 1024;

    private int _started;

    /// <summary>Whether reading from the client failed (as opposed to writing to the backend).</summary>
    public bool ClientFailed { get; private set; }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        // The client's body can be read once; a second attempt (an internal retry of the handler) must fail loudly.
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("the request body was already sent");
        }

        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (true)
            {
                int read;
                try
                {
                    read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception) when (!cancellationToken.IsCancellationRequested)
                {
                    ClientFailed = true;
                    throw;
                }

                if (read == 0)
                {
                    return;
                }

                activity.Touch();
                await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        // The client's Content-Length, when it sent one, is copied as a header; otherwise the body goes chunked.
        length = -1;
        return false;
    }
}
