using System.Collections.Frozen;

namespace Slipway.Router.Forwarding;

/// <summary>
/// What the proxy does with a header by name: hop-by-hop headers (RFC 9110 §7.6.1) describe one connection and are
/// never forwarded; forwarding headers are rewritten by the proxy. One frozen lookup per header on the hot path.
/// </summary>
internal static class HopByHopHeaders
{
    public const string RequestId = "X-Request-ID";
    public const string ForwardedFor = "X-Forwarded-For";
    public const string ForwardedHost = "X-Forwarded-Host";
    public const string ForwardedProto = "X-Forwarded-Proto";
    public const string Mirror = "X-Slipway-Mirror";

    private static readonly FrozenDictionary<string, RequestHeaderAction> Request = new Dictionary<string, RequestHeaderAction>(StringComparer.OrdinalIgnoreCase)
    {
        ["Connection"] = RequestHeaderAction.Drop,
        ["Keep-Alive"] = RequestHeaderAction.Drop,
        ["Proxy-Connection"] = RequestHeaderAction.Drop,
        ["TE"] = RequestHeaderAction.Drop,
        ["Trailer"] = RequestHeaderAction.Drop,
        ["Transfer-Encoding"] = RequestHeaderAction.Drop,
        ["Upgrade"] = RequestHeaderAction.Drop,
        // The backend is addressed by its own host:port; the client's host travels in X-Forwarded-Host.
        ["Host"] = RequestHeaderAction.Drop,
        [ForwardedFor] = RequestHeaderAction.Rewrite,
        [ForwardedHost] = RequestHeaderAction.Rewrite,
        [ForwardedProto] = RequestHeaderAction.Rewrite,
        // Only the router marks a request as a mirror copy; a client cannot make its request look like one.
        [Mirror] = RequestHeaderAction.Drop,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenSet<string> Response = new[]
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    public static RequestHeaderAction ForRequest(string name) =>
        Request.TryGetValue(name, out var action) ? action : RequestHeaderAction.Copy;

    public static bool SkipInResponse(string name) => Response.Contains(name);

    /// <summary>
    /// Extra headers the client declared hop-by-hop in its Connection header (<c>Connection: close, X-Foo</c>), or null
    /// in the usual case of only keep-alive/close/upgrade tokens, which costs no allocation.
    /// </summary>
    public static HashSet<string>? ConnectionListed(string? connection)
    {
        if (string.IsNullOrEmpty(connection))
        {
            return null;
        }

        HashSet<string>? listed = null;
        foreach (var range in connection.AsSpan().Split(','))
        {
            var token = connection.AsSpan(range).Trim();
            if (token.IsEmpty
                || token.Equals("close", StringComparison.OrdinalIgnoreCase)
                || token.Equals("keep-alive", StringComparison.OrdinalIgnoreCase)
                || token.Equals("upgrade", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            (listed ??= new HashSet<string>(StringComparer.OrdinalIgnoreCase)).Add(token.ToString());
        }

        return listed;
    }
}

internal enum RequestHeaderAction
{
    Copy,
    Drop,
    Rewrite,
}
