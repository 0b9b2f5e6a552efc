namespace Slipway.Server.Routing;

/// <summary>What answers on a router admin address.</summary>
internal enum AdminResponderKind
{
    /// <summary>Nothing listens there: the connection was refused.</summary>
    Nobody,

    /// <summary>A Slipway router that says which table it serves, and its pid.</summary>
    Router,

    /// <summary>A Slipway router of a version that does not say which table it serves.</summary>
    UnidentifiedRouter,

    /// <summary>Something that does not answer as a Slipway router: another program, or a router that is stuck.</summary>
    Other,
}

/// <summary>
/// Who answered on the router admin address (<see cref="RouterAdminClient.IdentifyAsync"/>). A server must not take
/// another data directory's router, or another program, for its own: it would write its table for a router that
/// never reads it, and read another router's numbers as its own.
/// </summary>
/// <param name="Pid">The router's pid (<see cref="AdminResponderKind.Router"/>).</param>
/// <param name="ConfigPath">The absolute path of the table file the router serves (<see cref="AdminResponderKind.Router"/>).</param>
/// <param name="Detail">What it answered, in words (<see cref="AdminResponderKind.Other"/>).</param>
internal sealed record AdminResponder(AdminResponderKind Kind, int? Pid = null, string? ConfigPath = null, string? Detail = null)
{
    public static AdminResponder Nobody { get; } = new(AdminResponderKind.Nobody);

    /// <summary>
    /// The data directory of a router serving <c>DIR/router/routes.json</c>, the table a server writes; null for a
    /// table elsewhere (a router started by hand).
    /// </summary>
    public string? DataDirectory =>
        ConfigPath is { } path
        && Path.GetFileName(path) == "routes.json"
        && Path.GetDirectoryName(path) is { } routerDirectory
        && Path.GetFileName(routerDirectory) == "router"
            ? Path.GetDirectoryName(routerDirectory)
            : null;
}
