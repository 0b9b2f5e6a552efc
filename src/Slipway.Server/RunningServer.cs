using System.Globalization;

namespace Slipway.Server;

/// <summary>A server that holds the lock of a data directory; its pid when its pid file could be read.</summary>
public sealed record RunningServer(int? Pid)
{
    public override string ToString() => Pid is { } pid ? $"pid {pid.ToString(CultureInfo.InvariantCulture)}" : "pid unknown";
}
