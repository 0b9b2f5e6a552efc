using System.Net;
using System.Net.Sockets;

namespace Slipway.Docker.Tests.Support;

/// <summary>Loopback ports from this project's range, 17600-17699 (17600-17609 are left to the developer's tools).</summary>
internal static class TestPorts
{
    private static int _next = 17610 + Random.Shared.Next(0, 40);

    /// <summary>A port nothing listens on now.</summary>
    public static int Free()
    {
        for (var attempt = 0; attempt < 90; attempt++)
        {
            var port = 17610 + ((Interlocked.Increment(ref _next) - 17610) % 90);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
            }
        }

        throw new InvalidOperationException("no free loopback port in 17610-17699");
    }
}
