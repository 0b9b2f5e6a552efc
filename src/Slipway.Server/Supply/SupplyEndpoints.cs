using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Slipway.Core.Serialization;
using Slipway.Oci;
using Slipway.Oci.Sbom;
using Slipway.Server.Api;
using Slipway.Store;

namespace Slipway.Server.Supply;

/// <summary>
/// The images API (docs/api.md, "Images"): SBOMs, scans, promotions by digest, the vulnerability exceptions, the images
/// recorded and the apps that carry a package. Calls that read an image from a registry are POSTs: they may attach an
/// SBOM and record the image, and they take who asks (<c>actor</c>) for the record.
/// </summary>
internal static class SupplyEndpoints
{
    private const int PromotionsShown = 100;

    private static readonly JsonSerializerOptions Strict = new(SlipwayJson.Options) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/images", async (string? uses, ImageCatalog catalog, CancellationToken ct) =>
        {
            if (uses is null)
            {
                return Json(await catalog.ListAsync(ct));
            }

            PackageQuery query;
            try
            {
                query = PackageQuery.Parse(uses);
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                return ApiErrors.Error(StatusCodes.Status400BadRequest, $"uses '{uses}': expected NAME, NAME@VERSION or a purl (pkg:npm/lodash@4.17.20): {e.Message}");
            }

            return Json(await catalog.UsesAsync(query, ct));
        });

        api.MapPost("/images/sbom", (HttpRequest request, SbomService sboms, CancellationToken ct) =>
            AnswerAsync<ImageRequest>(request, "{\"image\": \"REGISTRY/NAME:TAG\", \"actor\": \"…\"}", async body =>
                Json((await sboms.GetAsync(Image(body.Image), Actor(body.Actor), ct)).View()), ct));

        api.MapPost("/images/scan", (HttpRequest request, ImageScans scans, CancellationToken ct) =>
            AnswerAsync<ImageRequest>(request, "{\"image\": \"REGISTRY/NAME:TAG\", \"environment\": \"prod\", \"actor\": \"…\"}", async body =>
                Json(await scans.ScanAsync(Image(body.Image), Blank(body.Environment), Actor(body.Actor), ct)), ct));

        api.MapPost("/images/promote", (HttpRequest request, PromotionService promotions, CancellationToken ct) =>
            AnswerAsync<PromoteRequest>(request, "{\"image\": \"REGISTRY/NAME:TAG\", \"to\": \"REGISTRY/NAME[:TAG]\", \"environment\": \"prod\", \"tags\": [\"…\"], \"actor\": \"…\"}", async body =>
            {
                var outcome = await promotions.PromoteAsync(body, ct);
                return outcome.Promotion is { } promotion
                    ? Json(promotion)
                    : Results.Json(new PromotionRefusal(outcome.Refusal!, outcome.Verdict!), SlipwayJson.Api, statusCode: StatusCodes.Status409Conflict);
            }, ct));

        api.MapGet("/images/promotions", async (string? image, int? limit, IStore store, Oci.Registry.RegistryClient registry, CancellationToken ct) =>
        {
            if (limit is < 1 or > 1000)
            {
                return ApiErrors.Error(StatusCodes.Status400BadRequest, $"limit: expected 1 to 1000, got {limit}");
            }

            try
            {
                var digest = image is null ? null : await DigestOfAsync(image, registry, ct);
                return Json((await store.ListPromotionsAsync(digest?.ToString(), limit ?? PromotionsShown, ct)).Select(PromotionView.Of).ToList());
            }
            catch (SupplyException e)
            {
                return ApiErrors.Error(e.Status, e.Message);
            }
        });

        api.MapGet("/vulnerability-exceptions", async (VulnerabilityExceptions exceptions, CancellationToken ct) =>
            Json(await exceptions.ListAsync(ct)));

        api.MapPost("/vulnerability-exceptions", (HttpRequest request, VulnerabilityExceptions exceptions, CancellationToken ct) =>
            AnswerAsync<VulnerabilityExceptionRequest>(
                request,
                "{\"advisory\": \"CVE-…\", \"reason\": \"…\", \"expires\": \"2026-12-01|30d\", \"package\": \"…\", \"environment\": \"…\", \"actor\": \"…\"}",
                async body => Results.Json(await exceptions.AddAsync(body, ct), SlipwayJson.Api, statusCode: StatusCodes.Status201Created),
                ct));

        api.MapDelete("/vulnerability-exceptions/{id}", async (string id, VulnerabilityExceptions exceptions, CancellationToken ct) =>
            !long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
                ? ApiErrors.Error(StatusCodes.Status400BadRequest, $"'{id}' is not an exception id: expected the number slipway image exception list shows")
                : await exceptions.DeleteAsync(number, ct)
                    ? Json(new { message = $"exception {number} deleted: the findings it let through are refused again where a gate refuses them" })
                    : ApiErrors.Error(StatusCodes.Status404NotFound, $"there is no exception {number} (slipway image exception list shows them)"));
    }

    /// <summary>
    /// The digest <paramref name="text"/> names: a digest as it is, a reference with a digest, or a tag resolved in its
    /// registry now (a tag that moved finds the promotions of what it names now).
    /// </summary>
    private static async Task<Digest> DigestOfAsync(string text, Oci.Registry.RegistryClient registry, CancellationToken ct)
    {
        if (Digest.TryParse(text, out var digest))
        {
            return digest;
        }

        var reference = Image(text);
        return reference.Digest ?? await Registries.CallAsync(() => registry.ResolveAsync(reference, ct));
    }

    private static ImageReference Image(string? text) =>
        string.IsNullOrWhiteSpace(text) ? throw SupplyException.BadRequest("image: expected an image reference, REGISTRY/NAME:TAG or REGISTRY/NAME@sha256:…")
        : ImageReference.TryParse(text.Trim(), out var reference, out var error) ? reference
        : throw SupplyException.BadRequest($"image '{text}': {error}");

    private static string Actor(string? actor) => string.IsNullOrWhiteSpace(actor) ? "unknown" : actor.Trim();

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    /// <summary>Reads the body strictly and answers with <paramref name="answer"/>; a <see cref="SupplyException"/> becomes its status and message.</summary>
    private static async Task<IResult> AnswerAsync<T>(HttpRequest request, string expected, Func<T, Task<IResult>> answer, CancellationToken ct)
        where T : class
    {
        T? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<T>(request.Body, Strict, ct);
        }
        catch (JsonException e)
        {
            var at = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $" at {e.Path}";
            return ApiErrors.Error(StatusCodes.Status400BadRequest, $"the body is not what {request.Method} {request.Path} takes{at}: expected {expected}");
        }

        if (body is null)
        {
            return ApiErrors.Error(StatusCodes.Status400BadRequest, $"the body is null; {request.Path} takes {expected}");
        }

        try
        {
            return await answer(body);
        }
        catch (SupplyException e)
        {
            return ApiErrors.Error(e.Status, e.Message);
        }
    }

    private static IResult Json<T>(T value) => Results.Json(value, SlipwayJson.Api);
}

/// <summary>
/// The body of a call that names one image: <c>image</c>, and for a scan the <c>environment</c> whose verdict to give;
/// <c>actor</c> is recorded with the image.
/// </summary>
public sealed record ImageRequest(string? Image = null, string? Environment = null, string? Actor = null);

/// <summary>A promotion refused by the environment's image policy (409): the reason in words, and the verdict with every finding.</summary>
public sealed record PromotionRefusal(string Error, GateVerdict Verdict);
