using System.Globalization;

namespace Slipway.Router.Routing;

/// <summary>
/// One backend instance, <c>host:port</c>. The same object is reused by every table that lists the address, so its
/// in-flight count survives reloads: a request keeps the reference it started with and decrements it when it ends,
/// which is what lets the controller drain an instance that a new table no longer lists.
/// </summary>
internal sealed class BackendEndpoint
{
    private int _inFlight;

    private BackendEndpoint(string address, string host, int port)
    {
        Address = address;
        Host = host;
        Port = port;
        BaseUrl = "http://" + address;
    }

    /// <summary>As written in the table, e.g. <c>127.0.0.1:5001</c>; the key of the admin state.</summary>
    public string Address { get; }

    /// <summary>Host part without brackets, for opening sockets.</summary>
    public string Host { get; }

    public int Port { get; }

    /// <summary><c>http://host:port</c>, to which the request target is appended.</summary>
    public string BaseUrl { get; }

    public int InFlight => Volatile.Read(ref _inFlight);

    public void Enter() => Interlocked.Increment(ref _inFlight);

    public void Exit() => Interlocked.Decrement(ref _inFlight);

    /// <summary>Parses <c>host:port</c> or <c>[v6]:port</c>; null when the address is not usable.</summary>
    public static BackendEndpoint? TryCreate(string address)
    {
        if (string.IsNullOrWhiteSpace(address))
        {
            return null;
        }

        var colon = address.LastIndexOf(':');
        if (colon <= 0 || colon == address.Length - 1)
        {
            return null;
        }

        if (!int.TryParse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return null;
        }

        var host = address[..colon];
        if (host.StartsWith('['))
        {
            if (!host.EndsWith(']') || host.Length < 3)
            {
                return null;
            }

            host = host[1..^1];
        }
        else if (host.Contains(':'))
        {
            // An unbracketed IPv6 address is ambiguous with the port separator.
            return null;
        }

        if (host.AsSpan().IndexOfAny(" /?#@") >= 0)
        {
            return null;
        }

        return new BackendEndpoint(address, host, port);
    }

    public override string ToString() => Address;
}
