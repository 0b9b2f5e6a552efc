using System.Net;
using System.Net.Sockets;

namespace Slipway.Local;

/// <summary>
/// Asks the kernel for a free loopback port. The port is released before the instance binds it,
/// so another process could take it in between; skipping ports held by known instances (some of
/// which may be down, waiting to restart on theirs) covers the case that matters.
/// </summary>
internal static class PortAllocator
{
    public static int Allocate(IReadOnlySet<int> reserved)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)socket.LocalEndPoint!).Port;
            if (!reserved.Contains(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException("no free loopback port found");
    }
}
