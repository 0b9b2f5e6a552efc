using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Slipway.Core.Serialization;
using Slipway.Server.Secrets;
using Slipway.Store;

namespace Slipway.Server.Api;

/// <summary>
/// The secrets API (docs/api.md, "Secrets"): set, list, delete, rotate the master key. No answer ever holds a value, and
/// an error about a value names its key only: a body that does not parse is reported by its JSON path, never with the
/// parser's message, which can quote what it read.
/// </summary>
internal static class SecretEndpoints
{
    private static readonly JsonSerializerOptions Strict = new(SlipwayJson.Options) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/secrets", (string? environment, SecretVault vault) =>
            Json(vault.List(environment).Select(SecretView.Of).ToList()));

        api.MapPut("/secrets/{env}/{name}", async (HttpRequest request, string env, string name, SecretVault vault, SecretRollouts rollouts, CancellationToken ct) =>
        {
            var (body, invalid) = await ReadAsync<SecretSetRequest>(request, "{\"data\": {\"KEY\": \"VALUE\"}, \"remove\": [\"KEY\"], \"actor\": \"…\"}", ct);
            if (invalid is not null)
            {
                return invalid;
            }

            var (change, problem) = await vault.SetAsync(env, name, body!.Data ?? new Dictionary<string, string>(), body.Remove ?? [], Actor(body.Actor), ct);
            if (problem is not null)
            {
                return Refused(problem);
            }

            var outcome = await rollouts.RollOutAsync(change!, ct);
            return Json(new SecretSetAnswer(SecretView.Of(change!.Secret), change.Changed, change.Removed, change.Unchanged, outcome.RolledOut, Describe(change, outcome)) { NotRolledOut = outcome.Refused });
        });

        api.MapDelete("/secrets/{env}/{name}", async (HttpRequest request, string env, string name, bool? force, SecretVault vault, CancellationToken ct) =>
        {
            var (body, invalid) = await ReadAsync<SecretActorRequest>(request, "{\"actor\": \"…\"} or nothing", ct, optional: true);
            if (invalid is not null)
            {
                return invalid;
            }

            var deletion = await vault.DeleteAsync(env, name, force == true, Actor(body?.Actor), ct);
            return deletion.Outcome switch
            {
                SecretDeletionOutcome.NotFound => ApiErrors.Error(StatusCodes.Status404NotFound, $"there is no secret {name} in environment {env}"),
                SecretDeletionOutcome.InUse => ApiErrors.Error(StatusCodes.Status409Conflict,
                    $"secret {name} is used by {Apps(deletion.UsedBy)} in environment {env}: their instances would fail to start. Remove the references "
                    + "and apply, or delete it anyway with --force (?force=true)"),
                _ => Json(new
                {
                    message = deletion.UsedBy.Count == 0
                        ? $"secret {name} deleted from environment {env}"
                        : $"secret {name} deleted from environment {env}; {Apps(deletion.UsedBy)} still refer to it: their next instance start fails until it is set again",
                }),
            };
        });

        api.MapPost("/secrets/rotate-key", async (HttpRequest request, SecretVault vault, CancellationToken ct) =>
        {
            var (_, invalid) = await ReadAsync<SecretActorRequest>(request, "{} or {\"actor\": \"…\"}", ct, optional: true);
            if (invalid is not null)
            {
                return invalid;
            }

            var (rotation, problem) = await vault.RotateKeyAsync(ct);
            return problem is not null ? Refused(problem) : Json(new KeyRotationView(
                rotation!.KeyId,
                rotation.Retired,
                rotation.Reencrypted,
                $"master key {rotation.KeyId} now encrypts every secret ({rotation.Reencrypted} values "
                + (rotation.SigningKeys > 0 ? $"and {rotation.SigningKeys} signing {(rotation.SigningKeys == 1 ? "key" : "keys")} " : "") + "re-encrypted"
                + (rotation.Retired.Count > 0 ? $"; key {string.Join(", ", rotation.Retired)} retired)" : ")")));
        });
    }

    private static string Describe(SecretChange change, SecretRolloutOutcome outcome)
    {
        var rolledOut = outcome.RolledOut;
        var secret = change.Secret;
        if (change.Unchanged)
        {
            return $"secret {secret.Name} ({secret.Environment}) unchanged at version {secret.Version}";
        }

        var what = string.Join("; ", new[]
        {
            change.Changed.Count > 0 ? "set " + string.Join(", ", change.Changed) : null,
            change.Removed.Count > 0 ? "removed " + string.Join(", ", change.Removed) : null,
        }.OfType<string>());
        var rolled = rolledOut.Count == 0 ? "no app uses a changed key"
            : "rolling out " + string.Join(", ", rolledOut.Select(a => $"{a.App} revision {a.Revision}"));
        var refused = outcome.Refused.Count == 0 ? "" : "; not rolled out: " + string.Join("; ", outcome.Refused);
        return $"secret {secret.Name} ({secret.Environment}) version {secret.Version}: {what}; {rolled}{refused}";
    }

    private static string Apps(IReadOnlyList<string> apps) => (apps.Count == 1 ? "app " : "apps ") + string.Join(", ", apps);

    private static string Actor(string? actor) => string.IsNullOrWhiteSpace(actor) ? "unknown" : actor.Trim();

    private static IResult Refused(SecretProblem problem) => ApiErrors.Error(
        problem.Kind switch
        {
            SecretProblemKind.NotFound => StatusCodes.Status404NotFound,
            SecretProblemKind.Conflict => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status400BadRequest,
        },
        problem.Message);

    /// <summary>
    /// The body, strictly; a body that is not what the call takes is reported by where it went wrong ($.data.KEY), never
    /// with the parser's own message, which may quote a piece of a value.
    /// </summary>
    private static async Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpRequest request, string expected, CancellationToken ct, bool optional = false)
        where T : class
    {
        try
        {
            if (optional && request.ContentLength is 0)
            {
                return (null, null);
            }

            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, Strict, ct);
            return value is null && !optional
                ? (null, ApiErrors.Error(StatusCodes.Status400BadRequest, $"the body is null; {request.Path} takes {expected}"))
                : (value, null);
        }
        catch (JsonException e)
        {
            var at = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $" at {e.Path}";
            return (null, ApiErrors.Error(StatusCodes.Status400BadRequest, $"the body is not what {request.Method} {request.Path} takes{at}: expected {expected}, every value a string"));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, Results.StatusCode(e.StatusCode));
        }
    }

    private static IResult Json<T>(T value) => Results.Json(value, SlipwayJson.Api);
}
