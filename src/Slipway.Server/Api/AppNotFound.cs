using Microsoft.AspNetCore.Http;
using Slipway.Store;

namespace Slipway.Server.Api;

/// <summary>
/// The 404 of every per-app call (<c>/api/v1/apps/{app}/{env}…</c>), which tells a name no environment has
/// ("app web not found") from an app that lives elsewhere ("app web has no environment dev; it exists in prod"):
/// the second is a wrong <c>-e</c>, the first a typo or a deleted app.
/// </summary>
internal static class AppNotFound
{
    public static async Task<IResult> AnswerAsync(IStore store, string app, string environment, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        var elsewhere = (await store.ListAppsAsync(ct)).Where(a => a.App == app).Select(a => a.Environment);
        return ApiErrors.Error(StatusCodes.Status404NotFound, Message(app, environment, elsewhere));
    }

    /// <summary>The message, given the environments <paramref name="app"/> exists in.</summary>
    public static string Message(string app, string environment, IEnumerable<string> existsIn)
    {
        var environments = existsIn.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return environments.Count == 0
            ? $"app {app} not found"
            : $"app {app} has no environment {environment}; it exists in {string.Join(", ", environments)}";
    }
}
