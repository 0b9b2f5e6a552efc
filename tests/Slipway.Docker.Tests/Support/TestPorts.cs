using System.Net;
using System.Net.Sockets;

namespace Slipway.Docker.Tests.Support;

/// <summary>Loopback ports from this project's range, 17600-17699 (17600-17609 are left to the developer's tools).</summary>
internal static class TestPorts
{
    /// <summary>A port nothing listens on now, tried from a random start so that tests rarely pick the same one.</summary>
    public static int Free()
    {
        var start = Random.Shared.Next(90);
        for (var attempt = 0; attempt < 90; attempt++)
        {
            var port = 17610 + ((start + attempt) % 90);
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
