using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Slipway.Core.Serialization;
using Slipway.Server.Images;
using Slipway.Store;

namespace Slipway.Server.Api;

/// <summary>
/// The image policies API (docs/api.md, "Image policies"): list, get and delete the <c>kind: ImagePolicy</c> documents
/// applied, and the effective policy of an environment. Policies are created and changed by applying them, like
/// applications and analysis templates.
/// </summary>
internal static class ImagePolicyEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/image-policies", async (string? environment, ImagePolicies policies, CancellationToken ct) =>
            Json((await policies.ListAsync(environment, ct)).Select(ImagePolicyView.Of).ToList()));

        api.MapGet("/image-policies/{name}", async (string name, ImagePolicies policies, CancellationToken ct) =>
            (await policies.ListAsync(null, ct)).FirstOrDefault(p => p.Policy.Name == name) is { } found
                ? Json(ImagePolicyView.Of(found))
                : NotFound(name));

        api.MapDelete("/image-policies/{name}", async (string name, IStore store, ImagePolicies policies, CancellationToken ct) =>
        {
            var environments = (await policies.ListAsync(null, ct)).FirstOrDefault(p => p.Policy.Name == name)?.Policy.Environments;
            if (!await store.DeleteImagePolicyAsync(name, ct))
            {
                return NotFound(name);
            }

            var which = environments is { Count: > 0 } ? $"; it no longer applies to {string.Join(", ", environments)}" : "";
            return Json(new { message = $"image policy {name} deleted{which}" });
        });

        api.MapGet("/environments/{env}/image-policy", async (string env, ImagePolicies policies, CancellationToken ct) =>
        {
            var effective = await policies.ForEnvironmentAsync(env, ct);
            return Json(new EffectiveImagePolicyView(effective, effective.Describe()));
        });
    }

    private static IResult NotFound(string name) =>
        ApiErrors.Error(StatusCodes.Status404NotFound, $"there is no image policy {name} (slipway policies lists them)");

    private static IResult Json<T>(T value) => Results.Json(value, SlipwayJson.Api);
}

/// <summary>
/// <c>GET /api/v1/environments/{env}/image-policy</c>: the effective policy of an environment, and the same in one
/// sentence (<see cref="Core.Images.EffectiveImagePolicy.Describe"/>).
/// </summary>
public sealed record EffectiveImagePolicyView(Core.Images.EffectiveImagePolicy Policy, string Summary);
