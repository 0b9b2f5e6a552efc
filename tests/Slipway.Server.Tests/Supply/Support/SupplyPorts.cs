using System.Net;
using System.Net.Sockets;

namespace Slipway.Server.Tests.Supply.Support;

/// <summary>
/// Loopback ports for the supply tests' registries and servers: 17900-17999, this part's range, so they never meet
/// another suite's. A port is checked free, then handed over; starters try another when it was taken meanwhile.
/// </summary>
internal static class SupplyPorts
{
    public const int First = 17900;
    public const int Last = 17999;

    public static int Free()
    {
        foreach (var port in Enumerable.Range(First, Last - First + 1).OrderBy(_ => Random.Shared.Next()))
        {
            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken: the next one.
            }
        }

        throw new InvalidOperationException($"every loopback port of {First}-{Last} is taken: is a previous test run still running?");
    }
}
