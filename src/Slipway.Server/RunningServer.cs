using System.Globalization;

namespace Slipway.Server;

/// <summary>
/// What holds the lock of a data directory: a server, or <c>slipway down</c> while it stops the data plane
/// (<paramref name="IsDown"/>); its pid when its pid file could be read.
/// </summary>
public sealed record RunningServer(int? Pid, bool IsDown = false)
{
    public override string ToString() => Pid is { } pid ? $"pid {pid.ToString(CultureInfo.InvariantCulture)}" : "pid unknown";
}
