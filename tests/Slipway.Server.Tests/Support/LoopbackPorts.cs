using System.Net;
using System.Net.Sockets;

namespace Slipway.Server.Tests.Support;

internal static class LoopbackPorts
{
    /// <summary>A loopback port free a moment ago, for a process that must be told its port (it cannot take port 0).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary><c>127.0.0.1:port</c> where nothing listens (a port just bound and released): connecting is refused.</summary>
    public static string Dead() => $"127.0.0.1:{Free()}";
}
