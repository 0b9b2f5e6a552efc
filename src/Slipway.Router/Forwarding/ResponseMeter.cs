using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Slipway.Router.Forwarding;

/// <summary>
/// Counts the bytes the router sends back to the client, for the access log's <c>bytesSent</c>: YARP relays the
/// response itself and does not say how much it relayed. Put in front of the connection's response body (and, for an
/// upgrade, of the upgraded stream) for one request by <see cref="Attach"/>, removed by <see cref="Detach"/>; writes go
/// straight through, so nothing is buffered and a normal request costs this one object.
/// </summary>
internal sealed class ResponseMeter : Stream, IHttpResponseBodyFeature, IHttpUpgradeFeature
{
    private readonly HttpContext _context;
    private readonly IHttpResponseBodyFeature _body;
    private readonly IHttpUpgradeFeature? _upgrade;
    private PipeWriter? _writer;
    private long _bytes;

    private ResponseMeter(HttpContext context, IHttpResponseBodyFeature body, IHttpUpgradeFeature? upgrade)
    {
        _context = context;
        _body = body;
        _upgrade = upgrade;
    }

    /// <summary>Response body bytes written, and for an upgraded connection the bytes sent to the client after the 101.</summary>
    public long BytesSent => _bytes;

    public static ResponseMeter Attach(HttpContext context)
    {
        var features = context.Features;
        var upgrade = features.Get<IHttpUpgradeFeature>();
        var meter = new ResponseMeter(context, features.GetRequiredFeature<IHttpResponseBodyFeature>(), upgrade is { IsUpgradableRequest: true } ? upgrade : null);
        features.Set<IHttpResponseBodyFeature>(meter);
        if (meter._upgrade is not null)
        {
            features.Set<IHttpUpgradeFeature>(meter);
        }

        return meter;
    }

    /// <summary>Puts the connection's own features back, so nothing of this request outlives it.</summary>
    public void Detach()
    {
        var features = _context.Features;
        features.Set(_body);
        if (_upgrade is not null)
        {
            features.Set(_upgrade);
        }
    }

    Stream IHttpResponseBodyFeature.Stream => this;

    PipeWriter IHttpResponseBodyFeature.Writer => _writer ??= PipeWriter.Create(this, new StreamPipeWriterOptions(leaveOpen: true));

    void IHttpResponseBodyFeature.DisableBuffering() => _body.DisableBuffering();

    Task IHttpResponseBodyFeature.StartAsync(CancellationToken cancellationToken) => _body.StartAsync(cancellationToken);

    Task IHttpResponseBodyFeature.SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken) =>
        SendFileFallback.SendFileAsync(this, path, offset, count, cancellationToken);

    async Task IHttpResponseBodyFeature.CompleteAsync()
    {
        if (_writer is not null)
        {
            await _writer.CompleteAsync().ConfigureAwait(false);
        }

        await _body.CompleteAsync().ConfigureAwait(false);
    }

    bool IHttpUpgradeFeature.IsUpgradableRequest => _upgrade?.IsUpgradableRequest == true;

    async Task<Stream> IHttpUpgradeFeature.UpgradeAsync()
    {
        var upgraded = await _upgrade!.UpgradeAsync().ConfigureAwait(false);
        return new UpgradedStream(upgraded, this);
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Count(buffer.Length);
        _body.Stream.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Count(buffer.Length);
        return _body.Stream.WriteAsync(buffer, cancellationToken);
    }

    public override void Flush() => _body.Stream.Flush();

    // One request's writes follow each other (a tunnel writes to the client from one direction only), and the total is
    // read once the request is over: a plain field is enough.
    private void Count(int bytes) => _bytes += bytes;

    public override Task FlushAsync(CancellationToken cancellationToken) => _body.Stream.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>The client's upgraded connection (a WebSocket): read as is, writes counted. Both directions run at once.</summary>
    private sealed class UpgradedStream(Stream inner, ResponseMeter meter) : Stream
    {
        public override bool CanRead => inner.CanRead;

        public override bool CanSeek => false;

        public override bool CanWrite => inner.CanWrite;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override int Read(Span<byte> buffer) => inner.Read(buffer);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(buffer, cancellationToken);

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            meter.Count(buffer.Length);
            inner.Write(buffer);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            meter.Count(buffer.Length);
            return inner.WriteAsync(buffer, cancellationToken);
        }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync().ConfigureAwait(false);
            await base.DisposeAsync().ConfigureAwait(false);
        }
    }
}
