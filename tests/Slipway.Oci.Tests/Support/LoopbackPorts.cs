using System.Net;
using System.Net.Sockets;

namespace Slipway.Oci.Tests.Support;

/// <summary>
/// Ports for the servers these tests start, from the range given to this project's registry tests (17300-17399), so
/// that they never meet another suite's. A port is checked free, then handed over; the starters try again with
/// another when something took it meanwhile.
/// </summary>
internal static class LoopbackPorts
{
    public const int First = 17300;
    public const int Last = 17399;

    /// <summary>A port of the range nothing listens on now, tried in random order.</summary>
    public static int Free()
    {
        foreach (var port in Enumerable.Range(First, Last - First + 1).OrderBy(_ => Random.Shared.Next()))
        {
            try
            {
                var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
                probe.Stop();
                return port;
            }
            catch (SocketException)
            {
            }
        }

        throw new InvalidOperationException($"every loopback port of {First}-{Last} is taken: is a previous test run still running?");
    }

    /// <summary>A listener on a free port of the range (bound here, so no race).</summary>
    public static TcpListener Listen()
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var listener = new TcpListener(IPAddress.Loopback, Free());
            try
            {
                listener.Start();
                return listener;
            }
            catch (SocketException)
            {
                listener.Dispose();
            }
        }

        throw new InvalidOperationException($"no free loopback port in {First}-{Last}");
    }
}
