using Microsoft.AspNetCore.Http;

namespace Slipway.Server.Api;

/// <summary>
/// The query of <c>GET /api/v1/apps</c>: <c>?environment=NAME</c> lists that environment's apps, no query every app.
/// Anything else is refused rather than ignored, so a misspelt filter never returns every environment.
/// </summary>
/// <param name="Environment">The environment to list; null for every environment.</param>
/// <param name="Error">Why the query was refused; null when it was not.</param>
internal sealed record AppListQuery(string? Environment, string? Error)
{
    public static AppListQuery Read(IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Keys.FirstOrDefault(k => k != "environment") is { } unknown)
        {
            return new(null, $"unknown query parameter '{unknown}': GET /api/v1/apps takes only environment");
        }

        if (!query.TryGetValue("environment", out var values))
        {
            return new(null, null);
        }

        return values.Count == 1 && !string.IsNullOrEmpty(values[0])
            ? new(values[0], null)
            : new(null, "environment takes one name, e.g. ?environment=prod (no query lists every environment)");
    }
}
