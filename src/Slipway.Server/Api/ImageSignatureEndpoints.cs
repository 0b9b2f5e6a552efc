using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Slipway.Core.Serialization;
using Slipway.Oci;
using Slipway.Oci.Registry;
using Slipway.Server.Images;

namespace Slipway.Server.Api;

/// <summary>
/// Signing and verifying images (docs/api.md, "Images"): <c>POST /images/sign</c> signs an image by digest with a
/// server key and stores the signature beside it; <c>POST /images/verify</c> says whether it carries a signature by
/// trusted keys. A refused verification is an answer (200, <c>verified: false</c>), not an error.
/// </summary>
internal static class ImageSignatureEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/images/sign", async (HttpRequest request, ImageSignatures signatures, CancellationToken ct) =>
        {
            var (body, invalid) = await ApiBody.ReadAsync<ImageSignRequest>(request, ct);
            if (invalid is not null)
            {
                return invalid;
            }

            if (Parse(body!.Image, out var reference) is { } bad)
            {
                return bad;
            }

            if (string.IsNullOrEmpty(body.Key))
            {
                return ApiErrors.Error(StatusCodes.Status400BadRequest, "give the key to sign with (key: a name `slipway keys list` shows)");
            }

            var (signed, problem) = await signatures.SignAsync(reference!, body.Key, body.Annotations, Actor(body.Actor), ct);
            if (problem is not null)
            {
                return Refused(problem);
            }

            var by = $"{signed!.Key} ({signed.KeyId[..12]})";
            return Json(new ImageSignAnswer(signed, signed.Added
                ? $"{signed.Image} signed by {by}\nstored as {signed.SignatureImage}"
                : $"{signed.Image} is signed by {by} already: nothing added\nstored as {signed.SignatureImage}"));
        });

        api.MapPost("/images/verify", async (HttpRequest request, ImageSignatures signatures, RegistryClient registry, CancellationToken ct) =>
        {
            var (body, invalid) = await ApiBody.ReadAsync<ImageVerifyRequest>(request, ct);
            if (invalid is not null)
            {
                return invalid;
            }

            if (Parse(body!.Image, out var reference) is { } bad)
            {
                return bad;
            }

            try
            {
                var pinned = reference!.WithDigest(await registry.ResolveAsync(reference, ct));
                var verification = await signatures.VerifyAsync(pinned, body.Keys ?? [], body.AcceptedRepositories ?? [], ct);
                return Json(new ImageVerifyAnswer(
                    pinned.ToString(),
                    pinned.Digest!.ToString(),
                    verification.IsVerified,
                    verification.Key?.Name,
                    verification.Key?.Key.KeyId,
                    verification.Payload?.DockerReference,
                    verification.Refusal?.ToString(),
                    verification.IsVerified ? $"{pinned} verified: signed by {verification.Key} as {verification.Payload!.DockerReference}" : verification.Message));
            }
            catch (RegistryException e)
            {
                return Refused(ImageProblem.Registry(RegistryImageResolver.Explain(e)));
            }
        });
    }

    internal static string Actor(string? actor) => string.IsNullOrWhiteSpace(actor) ? "unknown" : actor.Trim();

    internal static IResult Refused(ImageProblem problem) => ApiErrors.Error(
        problem.Kind switch
        {
            ImageProblemKind.NotFound => StatusCodes.Status404NotFound,
            ImageProblemKind.Conflict => StatusCodes.Status409Conflict,
            ImageProblemKind.Registry => StatusCodes.Status502BadGateway,
            _ => StatusCodes.Status400BadRequest,
        },
        problem.Message);

    private static IResult? Parse(string? image, out ImageReference? reference)
    {
        reference = null;
        if (string.IsNullOrEmpty(image))
        {
            return ApiErrors.Error(StatusCodes.Status400BadRequest, "give the image (image: registry/name:tag or registry/name@sha256:…)");
        }

        return ImageReference.TryParse(image, out reference, out var error)
            ? null
            : ApiErrors.Error(StatusCodes.Status400BadRequest, $"image '{image}': {error}");
    }

    private static IResult Json<T>(T value) => Results.Json(value, SlipwayJson.Api);
}
