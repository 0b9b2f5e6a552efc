using System.Globalization;
using System.Net;

namespace Slipway.Router;

/// <summary>Parses the <c>host:port</c> a listener binds: <c>127.0.0.1:8080</c>, <c>:8080</c>, <c>*:8080</c>, <c>localhost:8080</c> or <c>[::1]:8080</c>.</summary>
internal static class ListenAddress
{
    /// <summary>The endpoint to bind, or null with <paramref name="error"/> saying what was expected.</summary>
    public static IPEndPoint? Parse(string? value, out string? error)
    {
        error = null;
        var colon = value?.LastIndexOf(':') ?? -1;
        if (value is null || colon < 0
            || !int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            error = $"expected host:port (for example 127.0.0.1:8081), got '{value}'";
            return null;
        }

        var host = value[..colon];
        IPAddress? address = host switch
        {
            "" or "*" or "0.0.0.0" => IPAddress.Any,
            "localhost" => IPAddress.Loopback,
            _ when host.StartsWith('[') && host.EndsWith(']') && IPAddress.TryParse(host[1..^1], out var v6) => v6,
            _ when IPAddress.TryParse(host, out var ip) => ip,
            _ => null,
        };
        if (address is null)
        {
            error = $"'{host}' in '{value}' is not an IP address (or localhost)";
            return null;
        }

        return new IPEndPoint(address, port);
    }
}
