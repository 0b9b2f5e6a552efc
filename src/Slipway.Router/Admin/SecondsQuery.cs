using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Slipway.Router.Admin;

/// <summary>
/// The query of <c>GET /seconds</c>: optional <c>app</c> and <c>env</c> filters and <c>after</c>, a Unix second (the
/// last one the caller already has). Anything else is refused, so a mistyped name is not silently ignored.
/// </summary>
internal sealed record SecondsQuery(long? After, string? App, string? Environment)
{
    public static SecondsQuery? Parse(IQueryCollection query, out string? error)
    {
        error = null;
        foreach (var name in query.Keys)
        {
            if (name is not ("after" or "app" or "env"))
            {
                error = $"unknown query parameter '{name}': expected after, app or env";
                return null;
            }
        }

        long? after = null;
        if (query.TryGetValue("after", out var written))
        {
            if (!long.TryParse(written.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var second))
            {
                error = $"after: expected a Unix second (a whole number), got '{written}'";
                return null;
            }

            after = second;
        }

        return new SecondsQuery(after, Single(query, "app"), Single(query, "env"));
    }

    private static string? Single(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value.ToString()) ? value.ToString() : null;
}
