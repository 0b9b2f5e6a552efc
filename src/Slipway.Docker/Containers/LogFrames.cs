using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Slipway.Docker.Containers;

/// <summary>
/// The logs endpoint's stream for a container without a TTY: frames of an 8-byte header (the stream, 1 stdout or
/// 2 stderr; three zero bytes; the payload's length, big-endian) and the payload, one log message each. Asked with
/// timestamps, each payload starts with the engine's RFC 3339 time (nanoseconds, trailing zeros dropped) and a space.
/// </summary>
internal static class LogFrames
{
    public static async IAsyncEnumerable<ContainerLogEntry> ReadAsync(Stream body, [EnumeratorCancellation] CancellationToken ct)
    {
        var header = new byte[8];
        while (await ReadHeaderAsync(body, header, ct).ConfigureAwait(false))
        {
            var kind = header[0];
            if (kind > 2 || header[1] != 0 || header[2] != 0 || header[3] != 0)
            {
                throw new InvalidDataException(
                    $"the container's log stream has a frame header {Convert.ToHexString(header)} that is not one: was the container created with a TTY?");
            }

            var payload = new byte[BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4))];
            await body.ReadExactlyAsync(payload, ct).ConfigureAwait(false);
            if (kind == 0)
            {
                continue; // stdin: never in a log
            }

            yield return Parse((ContainerLogStream)kind, Encoding.UTF8.GetString(payload));
        }
    }

    /// <summary>A message as the engine sends it with timestamps: "2026-11-24T12:17:34.050873213Z text".</summary>
    internal static ContainerLogEntry Parse(ContainerLogStream stream, string payload)
    {
        var space = payload.IndexOf(' ', StringComparison.Ordinal);
        if (space < 0 || !TryParseTime(payload[..space], out var time))
        {
            throw new InvalidDataException($"a container log message does not start with a timestamp: '{(payload.Length > 60 ? payload[..60] : payload)}'");
        }

        return new ContainerLogEntry(stream, time, payload[(space + 1)..]);
    }

    /// <summary>Go's RFC3339Nano in UTC, cut to the 100 ns DateTimeOffset holds.</summary>
    internal static bool TryParseTime(string text, out DateTimeOffset time)
    {
        time = default;
        if (!text.EndsWith('Z') || text.Length < 20)
        {
            return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);
        }

        if (!DateTime.TryParseExact(text[..19], "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var seconds))
        {
            return false;
        }

        var fraction = text[19..^1];
        long ticks = 0;
        if (fraction.Length > 0)
        {
            if (fraction[0] != '.' || fraction.Length == 1 || !fraction[1..].All(char.IsAsciiDigit))
            {
                return false;
            }

            var digits = fraction[1..].PadRight(7, '0')[..7];
            ticks = long.Parse(digits, CultureInfo.InvariantCulture);
        }

        time = new DateTimeOffset(DateTime.SpecifyKind(seconds, DateTimeKind.Utc)).AddTicks(ticks);
        return true;
    }

    /// <summary>The logs endpoint's <c>since</c>: Unix seconds and nanoseconds.</summary>
    internal static string Since(DateTimeOffset time)
    {
        var ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var remainder);
        return string.Create(CultureInfo.InvariantCulture, $"{seconds}.{remainder * 100:D9}");
    }

    private static async Task<bool> ReadHeaderAsync(Stream body, byte[] header, CancellationToken ct)
    {
        var read = await body.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        return read == header.Length; // a stream ending mid-header is a connection cut at the end: nothing more to read
    }
}
