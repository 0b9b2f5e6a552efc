using System.Globalization;

namespace Slipway.Local;

/// <summary>
/// The kernel's ephemeral port range: where it picks the local port of an outgoing connection (and of a bind to port
/// 0). Read on each use, because an administrator can change it at any time with sysctl.
/// </summary>
internal static class EphemeralPorts
{
    public const string RangeFile = "/proc/sys/net/ipv4/ip_local_port_range";

    /// <summary>The range in <see cref="RangeFile"/> (for example <c>32768	60999</c>); null when it cannot be read.</summary>
    public static PortRange? Read()
    {
        try
        {
            var parts = File.ReadAllText(RangeFile).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return parts is [var a, var b]
                && int.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out var first)
                && int.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var last)
                && first is >= 1 and <= 65535 && last is >= 1 and <= 65535 && first <= last
                ? new PortRange(first, last)
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
