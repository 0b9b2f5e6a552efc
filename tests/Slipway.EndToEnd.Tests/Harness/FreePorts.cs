using System.Net;
using System.Net.Sockets;

namespace Slipway.EndToEnd.Tests.Harness;

internal static class FreePorts
{
    public static int Next() => Take(1)[0];

    /// <summary>
    /// <paramref name="count"/> different free ports: all are held open until each is known, since the kernel may hand
    /// a port just released to the next bind (a server once got its router's port for its API that way).
    /// </summary>
    public static int[] Take(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }
}
