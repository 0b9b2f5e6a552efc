using Slipway.Core.Spec;
using Slipway.Store;

namespace Slipway.Server.Apply;

/// <summary>
/// Which saved app×env uses each route (host, case-insensitive, and path prefix), looked up in constant time: an apply
/// of a thousand apps checks each of their routes against a thousand others without comparing every pair.
/// </summary>
internal sealed class RouteOwners
{
    private readonly Dictionary<(string Host, string PathPrefix), AppRecord> _owners = [];

    private RouteOwners()
    {
    }

    public static RouteOwners Of(IEnumerable<AppRecord> apps)
    {
        var owners = new RouteOwners();
        foreach (var app in apps)
        {
            foreach (var (route, _) in ApplyService.Routes(app.Spec))
            {
                owners._owners.TryAdd(Key(route), app);
            }
        }

        return owners;
    }

    /// <summary>The saved app×env that uses <paramref name="route"/>, or null.</summary>
    public AppRecord? OwnerOf(RouteSpec route) => _owners.GetValueOrDefault(Key(route));

    private static (string, string) Key(RouteSpec route) => (route.Host.ToLowerInvariant(), route.PathPrefix);
}
