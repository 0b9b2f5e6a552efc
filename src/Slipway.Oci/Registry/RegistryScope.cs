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

    /// <summary>One cache key for a set of scopes, whatever their order.</summary>
    public static string Key(IEnumerable<string> scopes) => string.Join(' ', scopes.Order(StringComparer.Ordinal));
}
