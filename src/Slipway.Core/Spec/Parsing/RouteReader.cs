namespace Slipway.Core.Spec.Parsing;

/// <summary>Reads a <see cref="RouteSpec"/> (<c>spec.route</c>, a blue-green <c>previewRoute</c>).</summary>
internal sealed class RouteReader(SpecReader reader)
{
    public const string DefaultPathPrefix = "/";

    private static readonly FieldSet Fields = FieldSet.Of("host", "pathPrefix");

    /// <summary>
    /// Reads field <paramref name="name"/> of <paramref name="parent"/>, filling defaults, and adds
    /// the route to <paramref name="claims"/> when both its host and prefix are valid.
    /// <paramref name="defaultHost"/> is null when the names it derives from are invalid (and
    /// already reported): the route then has no host to check or claim.
    /// </summary>
    public RouteSpec Read(MappingFields parent, string name, string? defaultHost, List<RouteClaim> claims)
    {
        var before = reader.ErrorCount;
        var route = reader.Child(parent, name, Fields);
        var host = reader.OptionalString(route, "host");
        var pathPrefix = reader.OptionalString(route, "pathPrefix") ?? DefaultPathPrefix;
        if (host is not null)
        {
            reader.Check(route, "host", host, SpecNames.CheckHost);
        }
        else if (defaultHost is not null && route.IsValid && SpecNames.CheckHost(defaultHost) is { } problem)
        {
            // The default is derived from names that are valid on their own but may be too long together.
            reader.Error(route.KeyPosition("host"), route.PathOf("host"), $"the default host '{defaultHost}' is not valid ({problem}): set it explicitly");
        }

        reader.Check(route, "pathPrefix", pathPrefix, SpecNames.CheckPathPrefix);
        if (route.Value("pathPrefix") is { } prefixNode && pathPrefix.Length == 0)
        {
            reader.Error(prefixNode.Start, route.PathOf("pathPrefix"), "must start with '/', got ''");
        }

        host ??= defaultHost;
        if (host is not null && reader.ErrorCount == before)
        {
            var isDefault = route.Value("host") is null && route.Value("pathPrefix") is null;
            var at = route.Value("host")?.Start ?? parent.KeyPosition(name);
            claims.Add(new RouteClaim(host, pathPrefix, route.Path, at, isDefault));
        }

        return new RouteSpec(host ?? "", pathPrefix);
    }
}
