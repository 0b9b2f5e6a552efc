using System.Text;

namespace Slipway.Router.Forwarding;

/// <summary>
/// Reads a response body that follows a hand-parsed head: first the bytes already read past the head, then the
/// stream. Just enough to relay Content-Length, chunked and read-to-close bodies of a refused upgrade.
/// </summary>
internal sealed class HeadBodyReader(Stream stream, ReadOnlyMemory<byte> leftover)
{
    private readonly byte[] _buffer = new byte[16 * 1024];
    private ReadOnlyMemory<byte> _pending = leftover;

    /// <summary>A line without its CRLF.</summary>
    public async Task<string> ReadLineAsync(CancellationToken ct)
    {
        var line = new StringBuilder();
        while (true)
        {
            if (_pending.IsEmpty && !await FillAsync(ct).ConfigureAwait(false))
            {
                throw new IOException("connection closed inside a chunk header");
            }

            var newline = _pending.Span.IndexOf((byte)'\n');
            var take = newline < 0 ? _pending.Length : newline + 1;
            line.Append(Encoding.Latin1.GetString(_pending.Span[..take]));
            _pending = _pending[take..];
            if (newline >= 0)
            {
                if (line.Length > 4096)
                {
                    throw new InvalidDataException("chunk header too long");
                }

                return line.ToString().TrimEnd('\r', '\n');
            }
        }
    }

    /// <summary>Copies up to <paramref name="count"/> bytes (all until close for <see cref="long.MaxValue"/>).</summary>
    public async Task<long> CopyAsync(Stream destination, long count, CancellationToken ct)
    {
        long copied = 0;
        while (copied < count)
        {
            if (_pending.IsEmpty && !await FillAsync(ct).ConfigureAwait(false))
            {
                if (count == long.MaxValue)
                {
                    return copied;
                }

                throw new IOException("connection closed inside the response body");
            }

            var take = (int)Math.Min(_pending.Length, count - copied);
            await destination.WriteAsync(_pending[..take], ct).ConfigureAwait(false);
            _pending = _pending[take..];
            copied += take;
        }

        return copied;
    }

    private async Task<bool> FillAsync(CancellationToken ct)
    {
        var read = await stream.ReadAsync(_buffer, ct).ConfigureAwait(false);
        _pending = _buffer.AsMemory(0, read);
        return read > 0;
    }
}
