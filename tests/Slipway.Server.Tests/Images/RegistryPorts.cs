using System.Net;
using System.Net.Sockets;

// In the fixtures' namespace: the registry and token servers linked from Slipway.Oci.Tests take their ports here.
namespace Slipway.Oci.Tests.Support;

/// <summary>
/// Ports for the registries the server's image tests start, from the range given to them (17800-17899), so that they
/// never meet another suite's: the Slipway.Oci.Tests fixtures linked into this project (RegistryServer, TokenServer)
/// ask this class, which stands in for their own range. A port is checked free, then handed over; the starters try
/// again with another when something took it meanwhile.
/// </summary>
internal static class LoopbackPorts
{
    public const int First = 17800;
    public const int Last = 17899;

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
