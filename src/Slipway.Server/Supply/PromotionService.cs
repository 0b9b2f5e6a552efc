using Microsoft.Extensions.Logging;
using Slipway.Oci;
using Slipway.Oci.Promotion;
using Slipway.Oci.Registry;
using Slipway.Store;

namespace Slipway.Server.Supply;

/// <summary>
/// <c>slipway image promote</c>: an image moves to another repository or registry by digest — never rebuilt, only the
/// blobs the destination lacks sent — after the destination environment's image policy has had its say, and the move
/// is recorded: source and digest, destination, environment, who, when, what was copied, what each tag named before,
/// the verdict and the exceptions it used.
/// </summary>
/// <remarks>
/// The order is the safety: resolve the source to one digest; judge that digest (a refusal copies nothing, so the
/// destination never holds an image its environment refused, not even untagged); copy it with its attachments
/// (<c>.sig</c>, <c>.sbom</c>) and set the tags last (<see cref="ImagePromotion"/>); then record. A crash between the
/// copy and the record leaves a copy without a record; promoting again finds everything there, moves nothing, and
/// records it.
/// </remarks>
internal sealed partial class PromotionService(RegistryClient registry, ImageGate gate, IStore store, TimeProvider time, ILogger<PromotionService> logger)
{
    public async Task<PromotionOutcome> PromoteAsync(PromoteRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (source, destination) = Parse(request);
        var actor = string.IsNullOrWhiteSpace(request.Actor) ? "unknown" : request.Actor.Trim();
        var environment = string.IsNullOrWhiteSpace(request.Environment) ? null : request.Environment.Trim();
        var digest = await Registries.CallAsync(() => registry.ResolveAsync(source, ct));
        var pinned = source.WithDigest(digest);

        GateVerdict? verdict = null;
        if (environment is not null)
        {
            verdict = await gate.EvaluateAsync(pinned, environment, actor, ct);

            // The gate verified the signatures the environment's policy requires and weighed the vulnerabilities.
            if (!verdict.Allowed)
            {
                Log.Refused(logger, pinned.ToString(), environment, verdict.Vulnerabilities?.Refused.Count ?? 0);
                return new PromotionOutcome(null, verdict, $"promotion of {pinned} to {environment} {verdict.Message}");
            }
        }

        // A destination without a tag takes the source's, as a promotion of web:v1 is web:v1 in the next registry.
        var target = destination.Tag is null && destination.Digest is null && source.Tag is not null ? destination with { Tag = source.Tag } : destination;
        var result = await Registries.CallAsync(() =>
            new ImagePromotion(registry, time).PromoteAsync(pinned, target, new PromotionOptions { Tags = request.Tags ?? [] }, ct));

        var now = time.GetUtcNow();
        var details = PromotionDetails.Of(result, verdict);
        var destinationName = result.Destination with { Tag = null, Digest = null };
        var record = await store.SavePromotionAsync(
            new PromotionRecord(0, source.ToString(), digest.ToString(), result.Destination.ToString(), result.DestinationDigest.ToString(), environment, actor, now, details.ToJson()),
            ct);
        await store.SaveImageAsync(
            new ImageRecord(destinationName.Name, result.DestinationDigest.ToString(), [.. result.Tags.Select(t => t.Tag)], "promotion", now, actor,
                System.Text.Json.JsonSerializer.Serialize(new { promotion = record.Id, source = pinned.ToString(), environment })),
            packages: null,
            ct);
        Log.Promoted(logger, pinned.ToString(), result.Destination.ToString(), environment ?? "-", result.BlobBytesSent, actor);
        return new PromotionOutcome(PromotionView.Of(record), verdict, null);
    }

    private static (ImageReference Source, ImageReference Destination) Parse(PromoteRequest request)
    {
        var errors = new List<string>();
        ImageReference? source = null;
        ImageReference? destination = null;
        if (string.IsNullOrWhiteSpace(request.Image))
        {
            errors.Add("image: expected the image to promote, REGISTRY/NAME:TAG or REGISTRY/NAME@sha256:…");
        }
        else if (!ImageReference.TryParse(request.Image.Trim(), out source, out var error))
        {
            errors.Add($"image '{request.Image}': {error}");
        }

        if (string.IsNullOrWhiteSpace(request.To))
        {
            errors.Add("to: expected where to promote it, REGISTRY/NAME or REGISTRY/NAME:TAG");
        }
        else if (!ImageReference.TryParse(request.To.Trim(), out destination, out var error))
        {
            errors.Add($"to '{request.To}': {error}");
        }

        foreach (var tag in request.Tags ?? [])
        {
            if (!ImageReference.TryParse($"{destination?.Name ?? "localhost/x"}:{tag}", out var tagged, out _) || tagged.Tag != tag)
            {
                errors.Add($"tag '{tag}': expected a tag, up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'");
            }
        }

        return errors.Count > 0 ? throw SupplyException.BadRequest(string.Join("; ", errors)) : (source!, destination!);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Promoted {Source} to {Destination} (environment {Environment}): {Bytes} blob bytes sent, by {Actor}")]
        public static partial void Promoted(ILogger logger, string source, string destination, string environment, long bytes, string actor);

        [LoggerMessage(2, LogLevel.Information, "Promotion of {Source} to {Environment} refused: {Count} findings at or above the threshold")]
        public static partial void Refused(ILogger logger, string source, string environment, int count);
    }
}

/// <summary>A promotion done (<see cref="Promotion"/>), or refused by the environment's policy (<see cref="Refusal"/>, with the verdict).</summary>
internal sealed record PromotionOutcome(PromotionView? Promotion, GateVerdict? Verdict, string? Refusal);
