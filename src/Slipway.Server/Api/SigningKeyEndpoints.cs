using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Slipway.Core.Serialization;
using Slipway.Server.Images;

namespace Slipway.Server.Api;

/// <summary>
/// The signing keys API (docs/api.md, "Signing keys"): generate, import a public key, list, show one (its public key),
/// delete. No call takes or gives a private key.
/// </summary>
internal static class SigningKeyEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/keys", async (SigningKeys keys, CancellationToken ct) =>
            Json((await keys.ListAsync(ct)).Select(SigningKeyView.Of).ToList()));

        api.MapGet("/keys/{name}", async (string name, SigningKeys keys, CancellationToken ct) =>
            await keys.GetAsync(name, ct) is { } key ? Json(SigningKeyView.Of(key)) : NotFound(name));

        api.MapPost("/keys", async (HttpRequest request, SigningKeys keys, CancellationToken ct) =>
        {
            var (body, invalid) = await ApiBody.ReadAsync<SigningKeyRequest>(request, ct);
            if (invalid is not null)
            {
                return invalid;
            }

            var name = body!.Name ?? "";
            var actor = ImageSignatureEndpoints.Actor(body.Actor);
            var (key, problem) = body.PublicKey is { } pem ? await keys.ImportAsync(name, pem, actor, ct) : await keys.GenerateAsync(name, actor, ct);
            if (problem is not null)
            {
                return ImageSignatureEndpoints.Refused(problem);
            }

            var view = SigningKeyView.Of(key!);
            return Json(new SigningKeyAnswer(view, body.PublicKey is null
                ? $"key {view.Name}: ECDSA P-256, id {view.KeyId[..12]}; the private key stays in the server"
                : $"key {view.Name}: ECDSA P-256 public key, id {view.KeyId[..12]}, trusted to verify signatures (it cannot sign)"));
        });

        api.MapDelete("/keys/{name}", async (HttpRequest request, string name, SigningKeys keys, CancellationToken ct) =>
        {
            var (body, invalid) = request.ContentLength is 0 ? (null, null) : await ApiBody.ReadAsync<SecretActorRequest>(request, ct);
            if (invalid is not null)
            {
                return invalid;
            }

            return await keys.DeleteAsync(name, ImageSignatureEndpoints.Actor(body?.Actor), ct)
                ? Json(new { message = $"key {name} deleted: signatures it made stay in their registries, and verify with its public key wherever it is kept" })
                : NotFound(name);
        });
    }

    private static IResult NotFound(string name) =>
        ApiErrors.Error(StatusCodes.Status404NotFound, $"there is no signing key {name} (`slipway keys list` shows those there are)");

    private static IResult Json<T>(T value) => Results.Json(value, SlipwayJson.Api);
}
