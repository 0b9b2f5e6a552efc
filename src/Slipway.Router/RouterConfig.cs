namespace Slipway.Router;

/// <summary>
/// The whole routing table, as the controller hands it to the router. It is written atomically to
/// a JSON file (write to a temporary file, then rename) and the router reloads it when it changes,
/// so the router keeps serving the last table when the controller is gone.
/// </summary>
/// <param name="Version">Increases with every change; the router reports the version it serves.</param>
public sealed record RouterConfig(long Version, IReadOnlyList<RouteConfig> Routes)
{
    public static readonly RouterConfig Empty = new(0, []);
}

/// <summary>
/// One route of one app×env (its main route, or a blue-green preview route).
/// A request matches when its Host equals <see cref="Host"/> (case-insensitive, port ignored; null
/// matches any host) and its path starts with <see cref="PathPrefix"/>. The longest matching
/// prefix wins among routes of the same host; routes with a host win over routes without.
/// </summary>
/// <param name="Id">Stable id, e.g. <c>web/prod</c> or <c>web/prod/preview</c>.</param>
/// <param name="Backends">Revisions that share traffic by <see cref="BackendGroup.Weight"/>.</param>
/// <param name="HeaderRoute">When set, matching requests go to that revision whatever the weights.</param>
/// <param name="Mirror">When set, a share of requests is copied to that revision; its responses are discarded.</param>
public sealed record RouteConfig(
    string Id,
    string App,
    string Environment,
    string? Host,
    string PathPrefix,
    IReadOnlyList<BackendGroup> Backends,
    HeaderRouteConfig? HeaderRoute = null,
    MirrorConfig? Mirror = null)
{
    /// <summary>Whether <paramref name="other"/> routes exactly as this one does (records compare lists by reference; this compares their items).</summary>
    public bool SameAs(RouteConfig other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Id == other.Id
            && App == other.App
            && Environment == other.Environment
            && Host == other.Host
            && PathPrefix == other.PathPrefix
            && Mirror == other.Mirror
            && Backends.Count == other.Backends.Count
            && Backends.Zip(other.Backends).All(pair => pair.First.SameAs(pair.Second))
            && (HeaderRoute is null
                ? other.HeaderRoute is null
                : other.HeaderRoute is not null && HeaderRoute.Revision == other.HeaderRoute.Revision && HeaderRoute.Matches.SequenceEqual(other.HeaderRoute.Matches));
    }
}

/// <summary>The ready instances of one revision and its share of traffic (weights of a route need not sum to 100).</summary>
/// <param name="Revision">The revision label used in metrics and logs, e.g. <c>3</c>.</param>
/// <param name="Endpoints">Ready instances as <c>host:port</c>; requests are balanced across them.</param>
public sealed record BackendGroup(string Revision, int Weight, IReadOnlyList<string> Endpoints)
{
    public bool SameAs(BackendGroup other) =>
        Revision == other.Revision && Weight == other.Weight && Endpoints.SequenceEqual(other.Endpoints, StringComparer.Ordinal);
}

/// <summary>All matches must hold. Exactly one of Exact, Prefix, Regex is set in each match.</summary>
public sealed record HeaderRouteConfig(string Revision, IReadOnlyList<HeaderMatchConfig> Matches);

public sealed record HeaderMatchConfig(string Header, string? Exact = null, string? Prefix = null, string? Regex = null);

public sealed record MirrorConfig(string Revision, int Percent);
