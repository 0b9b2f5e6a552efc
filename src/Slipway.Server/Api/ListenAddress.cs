using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace Slipway.Server.Api;

/// <summary>
/// An address a listener binds: <c>host:port</c>, where the host is an IP address (<c>[v6]</c> in brackets),
/// <c>localhost</c>, or <c>*</c> / nothing for every interface. A DNS name is refused: it does not say which
/// interface to bind, and Kestrel would bind them all.
/// </summary>
public sealed record ListenAddress(string Host, IPAddress Address, int Port)
{
    /// <summary>True when only this machine can connect.</summary>
    public bool IsLoopback => IPAddress.IsLoopback(Address);

    /// <summary>True for 0.0.0.0 and [::]: every interface.</summary>
    public bool IsAnyInterface => Address.Equals(IPAddress.Any) || Address.Equals(IPAddress.IPv6Any);

    public static bool TryParse(string value, [NotNullWhen(true)] out ListenAddress? address, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(value);
        address = null;
        error = $"'{value}': expected host:port with an IP address, localhost or * as host (e.g. 127.0.0.1:7070) and a port from 1 to 65535";
        var colon = value.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return false;
        }

        var host = value[..colon];
        IPAddress? ip = host switch
        {
            "" or "*" => IPAddress.Any,
            "localhost" => IPAddress.Loopback,
            _ when host.StartsWith('[') && host.EndsWith(']') && IPAddress.TryParse(host[1..^1], out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 => v6,
            _ when !host.Contains(':', StringComparison.Ordinal) && IPAddress.TryParse(host, out var v4) && host.Count(c => c == '.') == 3 => v4,
            _ => null,
        };
        if (ip is null)
        {
            return false;
        }

        address = new ListenAddress(host is "" or "*" ? "*" : host, ip, port);
        error = null;
        return true;
    }

    public override string ToString() => $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";
}
