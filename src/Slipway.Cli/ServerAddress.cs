using System.Globalization;

namespace Slipway.Cli;

/// <summary>
/// The value of <c>--server</c> / <c>$SLIPWAY_SERVER</c>: <c>host[:port]</c> as argocd users type it (port 7070,
/// the server's, when omitted), or an <c>http://</c> or <c>https://</c> URL. Anything else is a one-line error.
/// </summary>
internal static class ServerAddress
{
    public const int DefaultPort = 7070;

    /// <summary>The server's base URL; <paramref name="source"/> names where the value came from in the error.</summary>
    public static Uri Parse(string value, string source)
    {
        ArgumentNullException.ThrowIfNull(value);
        return TryParse(value) ?? throw new CliException(
            $"{source} '{value}': expected host:port, http://host:port or https://host:port (e.g. 127.0.0.1:7070), with a port from 1 to 65535", 2);
    }

    private static Uri? TryParse(string value)
    {
        if (value.Length == 0 || value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return null;
        }

        return value.Contains("://", StringComparison.Ordinal) ? FromUrl(value) : FromHostAndPort(value);
    }

    private static Uri? FromUrl(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https")
            || uri.Host.Length == 0
            || uri.UserInfo.Length > 0
            || uri.AbsolutePath != "/"
            || uri.Query.Length > 0
            || uri.Fragment.Length > 0
            || !HasValidPort(value, uri))
        {
            return null;
        }

        return new UriBuilder(uri.Scheme, uri.Host, uri.Port).Uri;
    }

    /// <summary>An explicit port in a URL must be 1–65535 (Uri accepts 0).</summary>
    private static bool HasValidPort(string value, Uri uri) => uri.IsDefaultPort || uri.Port is > 0 and <= 65535;

    private static Uri? FromHostAndPort(string value)
    {
        string host;
        string? port = null;
        if (value.StartsWith('['))
        {
            var close = value.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return null;
            }

            host = value[..(close + 1)];
            var rest = value[(close + 1)..];
            if (rest.Length > 0)
            {
                if (!rest.StartsWith(':'))
                {
                    return null;
                }

                port = rest[1..];
            }
        }
        else
        {
            var parts = value.Split(':');
            if (parts.Length > 2)
            {
                return null; // an IPv6 address goes in brackets: [::1]:7070
            }

            host = parts[0];
            port = parts.Length == 2 ? parts[1] : null;
        }

        var number = DefaultPort;
        if (port is not null && (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out number) || number is < 1 or > 65535))
        {
            return null;
        }

        var bare = host.StartsWith('[') ? host[1..^1] : host;
        var kind = Uri.CheckHostName(bare);
        if (kind == UriHostNameType.Unknown || (kind == UriHostNameType.IPv6) != host.StartsWith('['))
        {
            return null;
        }

        return Uri.TryCreate($"http://{host}:{number.ToString(CultureInfo.InvariantCulture)}/", UriKind.Absolute, out var uri) ? uri : null;
    }
}
