using System.Globalization;
using System.Text;

namespace Slipway.Server.Analysis.Providers;

/// <summary>
/// The last bytes of a job's output, in a fixed buffer: a load test may write for minutes, and what explains its
/// exit code is usually at the end. Written by the job's output reader while read by whoever gives up waiting for it,
/// hence the lock.
/// </summary>
internal sealed class OutputTail(int capacity)
{
    private readonly byte[] _ring = new byte[capacity];
    private readonly Lock _lock = new();
    private long _written;

    public void Append(ReadOnlySpan<byte> bytes)
    {
        lock (_lock)
        {
            if (bytes.Length > _ring.Length)
            {
                _written += bytes.Length - _ring.Length;
                bytes = bytes[^_ring.Length..];
            }

            var at = (int)(_written % _ring.Length);
            var first = Math.Min(bytes.Length, _ring.Length - at);
            bytes[..first].CopyTo(_ring.AsSpan(at));
            bytes[first..].CopyTo(_ring);
            _written += bytes.Length;
        }
    }

    /// <summary>The output kept, as UTF-8 text; when the start was dropped, a first line says how much.</summary>
    public override string ToString()
    {
        lock (_lock)
        {
            if (_written <= _ring.Length)
            {
                return Encoding.UTF8.GetString(_ring, 0, (int)_written);
            }

            var at = (int)(_written % _ring.Length);
            var kept = new byte[_ring.Length];
            _ring.AsSpan(at).CopyTo(kept);
            _ring.AsSpan(0, at).CopyTo(kept.AsSpan(_ring.Length - at));

            // The cut may fall inside a character: start at the next one.
            var start = 0;
            while (start < kept.Length && (kept[start] & 0b1100_0000) == 0b1000_0000)
            {
                start++;
            }

            var dropped = _written - _ring.Length + start;
            return string.Create(CultureInfo.InvariantCulture, $"[output cut: the first {dropped} bytes were dropped; the last {kept.Length - start} follow]\n")
                + Encoding.UTF8.GetString(kept, start, kept.Length - start);
        }
    }
}
