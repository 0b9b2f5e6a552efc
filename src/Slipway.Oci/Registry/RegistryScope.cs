namespace Slipway.Oci.Registry;

/// <summary>
/// The token scopes of the distribution spec's token flow: <c>repository:NAME:pull</c> to read,
/// <c>repository:NAME:pull,push</c> to write. A request names its scopes before it is sent, so that a token already
/// fetched for them is used without a first 401.
/// </summary>
internal static class RegistryScope
{
    public static string Pull(string repository) => $"repository:{repository}:pull";

    public static string Push(string repository) => $"repository:{repository}:pull,push";

    /// <summary>Deletion asks for <c>delete</c> (distribution's token auth) on top of push.</summary>
    public static string Delete(string repository) => $"repository:{repository}:delete,pull,push";

    /// <summary>
    /// The scopes with one entry per resource and its actions united: a registry's challenge names the scope it wants
    /// (<c>repository:app:push,pull</c>), which a token request asks for once beside the client's own (<c>pull,push</c>).
    /// </summary>
    public static IReadOnlyList<string> Merge(IEnumerable<string> scopes)
    {
        var merged = new List<(string Resource, SortedSet<string> Actions)>();
        foreach (var scope in scopes)
        {
            var colon = scope.LastIndexOf(':');
            var (resource, actions) = colon > 0 ? (scope[..colon], scope[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries)) : (scope, []);
            var entry = merged.FirstOrDefault(m => m.Resource == resource);
            if (entry.Actions is null)
            {
                entry = (resource, new SortedSet<string>(StringComparer.Ordinal));
                merged.Add(entry);
            }

            entry.Actions.UnionWith(actions);
        }

        return [.. merged.Select(m => m.Actions.Count == 0 ? m.Resource : $"{m.Resource}:{string.Join(',', m.Actions)}")];
    }

    /// <summary>One cache key for a set of scopes, whatever their order.</summary>
    public static string Key(IEnumerable<string> scopes) => string.Join(' ', scopes.Order(StringComparer.Ordinal));
}
