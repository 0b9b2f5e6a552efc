using Microsoft.AspNetCore.Http;

namespace Slipway.Server.Api;

/// <summary>
/// The query of <c>GET /api/v1/apps/{app}/config-diff</c>: <c>?from=dev&amp;to=prod</c>, both required, one name each,
/// and not the same. Anything else is refused rather than guessed at.
/// </summary>
internal static class ConfigDiffQuery
{
    public static (string? From, string? To, string? Error) Read(IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Keys.FirstOrDefault(k => k is not ("from" or "to")) is { } unknown)
        {
            return (null, null, $"unknown query parameter '{unknown}': config-diff takes from and to (?from=dev&to=prod)");
        }

        var from = One(query, "from");
        var to = One(query, "to");
        if (from is null || to is null)
        {
            return (null, null, "config-diff needs two environments, one name each: ?from=dev&to=prod");
        }

        return from == to
            ? (null, null, $"from and to are both '{from}': compare two different environments")
            : (from, to, null);
    }

    private static string? One(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) && values.Count == 1 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;
}
