namespace Slipway.Router.Routing;

/// <summary>Host header helpers that work on spans, so matching a route allocates nothing.</summary>
internal static class HostName
{
    /// <summary>The host of a Host header value without its port: <c>a.test:8080</c> → <c>a.test</c>, <c>[::1]:80</c> → <c>[::1]</c>.</summary>
    public static ReadOnlySpan<char> WithoutPort(ReadOnlySpan<char> host)
    {
        if (host.IsEmpty)
        {
            return host;
        }

        if (host[0] == '[')
        {
            var close = host.IndexOf(']');
            return close < 0 ? host : host[..(close + 1)];
        }

        var colon = host.IndexOf(':');
        return colon < 0 ? host : host[..colon];
    }
}
