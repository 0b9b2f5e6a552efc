using System.Security.Cryptography;

namespace Slipway.Router.Proxy;

/// <summary>
/// Request ids for requests that arrive without X-Request-ID: a random per-process prefix and a counter. Unique
/// across restarts thanks to the prefix, and one small string per request instead of a GUID's formatting.
/// </summary>
internal sealed class RequestIdGenerator
{
    private readonly string _prefix;
    private long _next;

    public RequestIdGenerator()
    {
        Span<byte> random = stackalloc byte[8];
        RandomNumberGenerator.Fill(random);
        _prefix = Convert.ToHexStringLower(random);
    }

    public string Next()
    {
        var n = Interlocked.Increment(ref _next);
        return string.Create(_prefix.Length + 1 + 12, (Prefix: _prefix, N: n), static (span, state) =>
        {
            state.Prefix.CopyTo(span);
            span[state.Prefix.Length] = '-';
            state.N.TryFormat(span[(state.Prefix.Length + 1)..], out _, "x12");
        });
    }
}
