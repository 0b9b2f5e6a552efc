using Slipway.Router.Routing;

namespace Slipway.Router.Config;

/// <summary>
/// The table being served. Readers take the reference once per request without a lock; a reload publishes a new
/// table with one volatile write, and requests that started on the old table finish on it.
/// </summary>
internal sealed class RouteTableHolder
{
    private RouteTable _current = RouteTable.Empty;

    public RouteTable Current => Volatile.Read(ref _current);

    public void Publish(RouteTable table) => Volatile.Write(ref _current, table);
}
