using System.Net;
using System.Net.Sockets;

namespace Slipway.Local;

/// <summary>
/// Gives instances their ports, from a range of Slipway's own (<see cref="SupervisorOptions.InstancePorts"/>) rather
/// than from the kernel's ephemeral range: there an outgoing connection can take an instance's port while the instance
/// waits out its restart backoff. Skips ports of the kernel's ephemeral range (should the two overlap), ports of known
/// instances (some may be down, waiting to restart on theirs) and ports that cannot be bound right now.
/// </summary>
/// <remarks>
/// The search goes on from after the last port given (starting at a random place), so a port is given again only
/// after the rest of the range: a new instance does not take the address of one just stopped, which the router may
/// still be draining. The port is free when given but not held, so another process could still take it before the
/// instance binds it; the instance's runner then moves it to another port (see <see cref="CanBind"/>).
/// </remarks>
internal sealed class PortAllocator
{
    private readonly Lock _gate = new();
    private readonly PortRange _range;
    private readonly Func<IEnumerable<int>> _knownPorts;
    private int _next;

    /// <param name="range">Where ports come from.</param>
    /// <param name="knownPorts">The ports of every instance the supervisor knows, running or not.</param>
    public PortAllocator(PortRange range, Func<IEnumerable<int>> knownPorts)
    {
        _range = range;
        _knownPorts = knownPorts;
        _next = Random.Shared.Next(range.Count);
    }

    /// <summary>A port for an instance.</summary>
    /// <exception cref="InvalidOperationException">No port of the range is usable; the message says why.</exception>
    public int Allocate()
    {
        var ephemeral = EphemeralPorts.Read();
        lock (_gate)
        {
            var known = _knownPorts().ToHashSet();
            for (var i = 0; i < _range.Count; i++)
            {
                var offset = (_next + i) % _range.Count;
                var port = _range.First + offset;
                if (ephemeral?.Contains(port) == true || known.Contains(port) || !CanBind(port))
                {
                    continue;
                }

                _next = (offset + 1) % _range.Count;
                return port;
            }
        }

        throw new InvalidOperationException(_range.CountOutside(ephemeral) == 0
            ? $"no port for the instance: every port of the instance range {_range} is in the kernel's ephemeral range {ephemeral} ({EphemeralPorts.RangeFile}); choose a range outside it"
            : $"no port for the instance: every port of the instance range {_range} outside the kernel's ephemeral range is taken");
    }

    /// <summary>
    /// Whether a server could listen on <paramref name="port"/> now, on any address: false when a listener holds it,
    /// or a connection the kernel gave it to (an outgoing connection's local port). A port whose only sockets are in
    /// TIME_WAIT — what a killed instance leaves of its probes' connections — is free: servers bind with SO_REUSEADDR
    /// (Kestrel, Go, Node do), which allows it. .NET's own sockets do not set it, so the bind here cannot tell, and
    /// the kernel's socket table is asked.
    /// </summary>
    public static bool CanBind(int port) =>
        (TryListen(AddressFamily.InterNetwork, port) && (!Socket.OSSupportsIPv6 || TryListen(AddressFamily.InterNetworkV6, port)))
        || OnlyTimeWait(port);

    private static bool TryListen(AddressFamily family, int port)
    {
        try
        {
            // An instance may listen on [::] only: a process on an IPv6 address takes the port from it too.
            using var socket = new Socket(family, SocketType.Stream, ProtocolType.Tcp);
            if (family == AddressFamily.InterNetworkV6)
            {
                socket.DualMode = false;
            }

            socket.Bind(new IPEndPoint(family == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, port));
            socket.Listen(1);
            return true;
        }
        catch (SocketException e)
        {
            return family == AddressFamily.InterNetworkV6 && e.SocketErrorCode != SocketError.AddressAlreadyInUse;
        }
    }

    /// <summary>True when every TCP socket on local port <paramref name="port"/> is in TIME_WAIT (state 06 in /proc/net/tcp).</summary>
    private static bool OnlyTimeWait(int port)
    {
        var hex = ":" + port.ToString("X4", System.Globalization.CultureInfo.InvariantCulture);
        var states = new List<string>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            try
            {
                foreach (var line in File.ReadLines(table).Skip(1))
                {
                    // "sl local_address rem_address st …": local_address is ADDRESS:PORT in hex.
                    var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (fields.Length > 3 && fields[1].EndsWith(hex, StringComparison.Ordinal))
                    {
                        states.Add(fields[3]);
                    }
                }
            }
            catch (IOException)
            {
                return false;
            }
        }

        return states.Count > 0 && states.All(s => s == "06");
    }
}
