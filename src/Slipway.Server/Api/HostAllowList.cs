using System.Net;
using Microsoft.AspNetCore.Http;

namespace Slipway.Server.Api;

/// <summary>
/// The host names the API answers to, whatever the port: the loopback names, the names the operator
/// configured (<c>--api-allowed-host</c>), and the IP address the API binds. A request whose Host header
/// names anything else is refused: that is what a DNS-rebinding page sends (its own name, resolved to
/// 127.0.0.1), so it never reaches the API. An IP address in the Host header is never a rebinding: the
/// browser's origin is then that address itself.
/// </summary>
internal sealed class HostAllowList
{
    private static readonly string[] LoopbackNames = ["localhost", "127.0.0.1", "[::1]"];

    private readonly HashSet<string> _names = new(StringComparer.OrdinalIgnoreCase);

    public HostAllowList(IEnumerable<string> configured, ListenAddress bound)
    {
        ArgumentNullException.ThrowIfNull(configured);
        ArgumentNullException.ThrowIfNull(bound);
        _names.UnionWith(LoopbackNames);
        foreach (var name in configured)
        {
            _names.Add(Normalize(name) ?? throw new ArgumentException($"not a host name: '{name}'", nameof(configured)));
        }

        if (!bound.IsAnyInterface && !bound.IsLoopback)
        {
            _names.Add(bound.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{bound.Address}]" : bound.Address.ToString());
        }
    }

    public IReadOnlyCollection<string> Names => _names;

    public bool Allows(HostString host) => host.HasValue && _names.Contains(host.Host);

    /// <summary>
    /// A configured name as the Host header spells it (IPv6 in brackets), or null when it is not a host
    /// name or address (a port, a scheme, a path or a wildcard).
    /// </summary>
    public static string? Normalize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var bare = name.StartsWith('[') && name.EndsWith(']') ? name[1..^1] : name;
        return Uri.CheckHostName(bare) switch
        {
            UriHostNameType.Dns => bare.TrimEnd('.').Length > 0 ? bare : null,
            UriHostNameType.IPv4 when IPAddress.TryParse(bare, out var v4) && bare.Count(c => c == '.') == 3 => v4.ToString(),
            UriHostNameType.IPv6 when IPAddress.TryParse(bare, out var v6) => $"[{v6}]",
            _ => null,
        };
    }
}
