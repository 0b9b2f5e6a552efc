using System.Globalization;

namespace Slipway.Local;

/// <summary>An inclusive range of TCP ports, written <c>20000-29999</c>.</summary>
public sealed record PortRange
{
    public PortRange(int first, int last)
    {
        if (first is < 1 or > 65535 || last is < 1 or > 65535 || first > last)
        {
            throw new ArgumentOutOfRangeException(nameof(first), $"{first}-{last} is not a port range: expected first-last, 1 ≤ first ≤ last ≤ 65535");
        }

        First = first;
        Last = last;
    }

    /// <summary>
    /// Where instances get their ports by default: 20000-29999. It lies below Linux's default ephemeral range
    /// (32768-60999), from which the kernel picks the local port of every outgoing connection, so an outgoing
    /// connection cannot take the port of an instance that waits to restart; and below Kubernetes' NodePorts
    /// (30000-32767). HashiCorp Nomad's dynamic ports start at 20000 for the same reason.
    /// </summary>
    public static PortRange DefaultInstancePorts { get; } = new(20000, 29999);

    public int First { get; }

    public int Last { get; }

    public int Count => Last - First + 1;

    public bool Contains(int port) => port >= First && port <= Last;

    /// <summary>Ports of this range that are not in <paramref name="other"/>.</summary>
    public int CountOutside(PortRange? other) =>
        other is null ? Count : Count - Math.Max(0, Math.Min(Last, other.Last) - Math.Max(First, other.First) + 1);

    /// <summary>Parses <c>first-last</c>; null with <paramref name="error"/> when it is not a valid range.</summary>
    public static PortRange? Parse(string? text, out string? error)
    {
        error = null;
        var parts = text?.Split('-', StringSplitOptions.TrimEntries);
        if (parts is not [var a, var b]
            || !int.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out var first)
            || !int.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var last)
            || first is < 1 or > 65535 || last is < 1 or > 65535 || first > last)
        {
            error = $"expected a port range first-last with 1 ≤ first ≤ last ≤ 65535 (for example 20000-29999), got '{text}'";
            return null;
        }

        return new PortRange(first, last);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{First}-{Last}");
}
