using System.Security.Cryptography;

namespace Slipway.Oci.Registry;

/// <summary>
/// A blob as it is downloaded, hashed on the way: more bytes than the expected size, or a digest that does not match
/// at the end, fail the read that sees it, so no one acts on content the registry corrupted or substituted. A
/// consumer that streams it on (promotion's upload to another registry) fails before it completes that upload.
/// Disposing it disposes the registry's answer.
/// </summary>
internal sealed class VerifyingStream : Stream
{
    private readonly Stream inner;
    private readonly IDisposable owner;
    private readonly Digest expected;
    private readonly long? size;
    private readonly IncrementalHash hash;
    private readonly Func<string, Exception> failure;
    private long read;
    private bool verified;

    /// <param name="owner">The answer the stream belongs to, disposed with it.</param>
    /// <param name="failure">Makes the exception for a mismatch from what went wrong.</param>
    public VerifyingStream(Stream inner, IDisposable owner, Digest expected, long? size, Func<string, Exception> failure)
    {
        this.inner = inner;
        this.owner = owner;
        this.expected = expected;
        this.size = size;
        this.failure = failure;
        hash = IncrementalHash.CreateHash(expected.Algorithm == "sha512" ? HashAlgorithmName.SHA512 : HashAlgorithmName.SHA256);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => size ?? throw new NotSupportedException();

    public override long Position
    {
        get => read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Check(inner.Read(buffer, offset, count), buffer.AsSpan(offset));

    public override int Read(Span<byte> buffer) => Check(inner.Read(buffer), buffer);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Check(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false), buffer.Span);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            hash.Dispose();
            inner.Dispose();
            owner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Check(int count, ReadOnlySpan<byte> buffer)
    {
        if (count > 0)
        {
            read += count;
            if (read > size)
            {
                throw failure($"the registry sent more than the {size} bytes the blob has");
            }

            hash.AppendData(buffer[..count]);
            return count;
        }

        if (!verified)
        {
            if (size is { } expectedSize && read != expectedSize)
            {
                throw failure($"the registry sent {read} bytes of a blob of {expectedSize}");
            }

            var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (actual != expected.Hex)
            {
                throw failure($"the content the registry sent hashes to {expected.Algorithm}:{actual}, not to the digest asked for");
            }

            verified = true;
        }

        return 0;
    }
}
