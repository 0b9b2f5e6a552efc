using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Slipway.Core.Serialization;
using Slipway.Server.Images;

namespace Slipway.Server.Api;

/// <summary>
/// The registry logins API (docs/api.md, "Registries"): store, list and remove the login the server uses for a
/// registry. No answer ever holds a password, and a body that does not parse is reported by its JSON path only, never
/// with the parser's message, which can quote what it read (the password).
/// </summary>
internal static class RegistryEndpoints
{
    private static readonly JsonSerializerOptions Strict = new(SlipwayJson.Options) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/registries", (RegistryLogins logins) => Json(logins.List()));

        api.MapPut("/registries/{registry}", async (HttpRequest request, string registry, RegistryLogins logins, CancellationToken ct) =>
        {
            var (body, invalid) = await ReadAsync<RegistryLoginRequest>(request, ct);
            if (invalid is not null)
            {
                return invalid;
            }

            var (login, problem) = await logins.LoginAsync(registry, body!.Username ?? "", body.Password ?? "", Actor(body.Actor), ct);
            return problem is not null
                ? ApiErrors.Error(StatusCodes.Status400BadRequest, problem)
                : Json(new RegistryLoginAnswer(login!, $"login for {login!.Registry} stored (user {login.Username}): the server uses it from the next request to that registry"));
        });

        api.MapDelete("/registries/{registry}", async (HttpRequest request, string registry, RegistryLogins logins, CancellationToken ct) =>
        {
            var (body, invalid) = request.ContentLength is 0 ? (null, null) : await ReadAsync<SecretActorRequest>(request, ct);
            if (invalid is not null)
            {
                return invalid;
            }

            return await logins.LogoutAsync(registry, Actor(body?.Actor), ct)
                ? Json(new { message = $"login for {registry.ToLowerInvariant()} removed: the server asks that registry anonymously from now on" })
                : ApiErrors.Error(StatusCodes.Status404NotFound, $"there is no login for {registry} (`slipway registry list` shows those there are)");
        });
    }

    private static string Actor(string? actor) => string.IsNullOrWhiteSpace(actor) ? "unknown" : actor.Trim();

    /// <summary>The body, strictly; one that is not what the call takes is reported by where it went wrong, never with what it holds.</summary>
    private static async Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpRequest request, CancellationToken ct)
        where T : class
    {
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, Strict, ct);
            return value is null
                ? (null, ApiErrors.Error(StatusCodes.Status400BadRequest, $"the body is null; {request.Method} {request.Path} takes {{\"username\": \"…\", \"password\": \"…\", \"actor\": \"…\"}}"))
                : (value, null);
        }
        catch (JsonException e)
        {
            var at = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $" at {e.Path}";
            return (null, ApiErrors.Error(StatusCodes.Status400BadRequest,
                $"the body is not what {request.Method} {request.Path} takes{at}: expected {{\"username\": \"…\", \"password\": \"…\", \"actor\": \"…\"}}, every value a string"));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, Results.StatusCode(e.StatusCode));
        }
    }

    private static IResult Json<T>(T value) => Results.Json(value, SlipwayJson.Api);
}
