using System.Globalization;
using System.Text;

namespace Slipway.Router.Forwarding;

/// <summary>The status line and headers of a raw HTTP/1.1 response, as read by <see cref="UpgradeTunnel"/>.</summary>
internal sealed class ResponseHead
{
    private ResponseHead(int statusCode, List<(string Name, string Value)> headers, ReadOnlyMemory<byte> leftover)
    {
        StatusCode = statusCode;
        Headers = headers;
        Leftover = leftover;
    }

    public int StatusCode { get; }

    public IReadOnlyList<(string Name, string Value)> Headers { get; }

    /// <summary>Bytes read past the end of the head: the start of the body or of the upgraded protocol.</summary>
    public ReadOnlyMemory<byte> Leftover { get; }

    public bool IsChunked => Headers.Any(h => h.Name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
        && h.Value.Contains("chunked", StringComparison.OrdinalIgnoreCase));

    public long? ContentLength
    {
        get
        {
            foreach (var (name, value) in Headers)
            {
                if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                    && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
                {
                    return length;
                }
            }

            return null;
        }
    }

    /// <summary>Reads up to the blank line ending the head; null when the connection closed before any byte.</summary>
    /// <exception cref="InvalidDataException">The head is malformed or larger than <paramref name="maxLength"/>.</exception>
    public static async Task<ResponseHead?> ReadAsync(Stream stream, int maxLength, CancellationToken ct)
    {
        var buffer = new byte[8 * 1024];
        var filled = 0;
        while (true)
        {
            var end = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                var leftover = buffer.AsMemory(end + 4, filled - end - 4).ToArray();
                return Parse(Encoding.Latin1.GetString(buffer, 0, end), leftover);
            }

            if (filled == buffer.Length)
            {
                if (buffer.Length >= maxLength)
                {
                    throw new InvalidDataException("response head too large");
                }

                Array.Resize(ref buffer, Math.Min(buffer.Length * 2, maxLength));
            }

            var read = await stream.ReadAsync(buffer.AsMemory(filled), ct).ConfigureAwait(false);
            if (read == 0)
            {
                return filled == 0 ? null : throw new InvalidDataException("connection closed inside the response head");
            }

            filled += read;
        }
    }

    private static ResponseHead Parse(string text, byte[] leftover)
    {
        var lines = text.Split("\r\n");
        var status = lines[0].Split(' ', 3);
        if (status.Length < 2 || !status[0].StartsWith("HTTP/1.", StringComparison.Ordinal)
            || !int.TryParse(status[1], NumberStyles.None, CultureInfo.InvariantCulture, out var code) || code is < 100 or > 999)
        {
            throw new InvalidDataException($"malformed status line: {lines[0]}");
        }

        var headers = new List<(string, string)>(lines.Length - 1);
        for (var i = 1; i < lines.Length; i++)
        {
            var colon = lines[i].IndexOf(':');
            if (colon <= 0)
            {
                throw new InvalidDataException($"malformed header line: {lines[i]}");
            }

            headers.Add((lines[i][..colon].Trim(), lines[i][(colon + 1)..].Trim()));
        }

        return new ResponseHead(code, headers, leftover);
    }
}
