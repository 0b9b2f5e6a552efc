using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Slipway.Core.Serialization;
using Slipway.Oci;
using Slipway.Oci.Registry;
using Slipway.Oci.Sbom;
using Slipway.Store;

namespace Slipway.Server.Supply;

/// <summary>
/// The SBOM of any image Slipway can read, by digest: made once, attached to the image in its registry, and kept in
/// the store as the image's packages (what <c>slipway images --uses</c> searches). The image's layers are streamed
/// from the registry into the cataloguers, bottom to top, each read once and never written to disk; for a
/// multi-platform index, the linux/amd64 image is the one read (the platform Slipway's local target runs).
/// </summary>
/// <remarks>
/// The SBOM goes under the tag <c>sha256-&lt;hex&gt;.sbom</c> of the image's repository (cosign's convention, which
/// registries without the referrers API serve, and which a promotion carries with the image), as an OCI manifest of
/// one CycloneDX layer whose <c>subject</c> is the image. An SBOM attached already — by an earlier request, a build, or
/// another tool — is read back and reused when it parses and describes this digest: an image's content never changes,
/// so neither does its SBOM, and reading a few KiB beats decompressing every layer again. One that does not parse is
/// replaced, and the log says so.
/// </remarks>
internal sealed partial class SbomService(RegistryClient registry, IStore store, TimeProvider time, ILogger<SbomService> logger)
{
    /// <summary>An SBOM larger than this in a registry is not read back (a real one is a few MiB at most).</summary>
    private const int MaxSbomBytes = 64 * 1024 * 1024;

    /// <summary>The config of an SBOM attachment: the OCI 1.1 empty descriptor's content.</summary>
    private static readonly byte[] EmptyConfig = "{}"u8.ToArray();

    private const string EmptyConfigMediaType = "application/vnd.oci.empty.v1+json";

    /// <summary>
    /// The SBOM of <paramref name="reference"/> (a tag or a digest): the one attached to it, or one made now and
    /// attached. Either way the image and its packages are recorded in the store.
    /// </summary>
    /// <exception cref="SupplyException">The image is not there, its layers cannot be read, or it has no linux/amd64 image.</exception>
    public async Task<ImageSbom> GetAsync(ImageReference reference, string actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var repository = reference with { Tag = null, Digest = null };
        var top = await Registries.CallAsync(() => registry.GetManifestAsync(reference, ct));
        var tag = SbomAttachment.Tag(top.Digest);
        Manifest? platform = null;
        var (sbom, notes) = (await ReadAttachedAsync(repository, top.Digest, ct), (IReadOnlyList<string>)[]);
        var reused = sbom is not null;
        if (sbom is null)
        {
            platform = top.IsIndex ? await PlatformOfAsync(reference, top, ct) : null;
            var image = (platform ?? top).ParseImage();
            var layers = image.Layers
                .Select(l => new LayerSource(l.Digest, l.MediaType, c => registry.OpenBlobAsync(repository, l.Digest, l.Size, c)))
                .ToList();
            try
            {
                var made = await new SbomGenerator(time).ForImageAsync(SbomSubject.ForImage(repository, top.Digest), layers, ct);
                (sbom, notes) = (made.Sbom, made.Notes);
            }
            catch (UnreadableLayerException e)
            {
                throw SupplyException.Unprocessable($"cannot make the SBOM of {reference.WithDigest(top.Digest)}: {e.Message}", e);
            }

            await AttachAsync(repository, top, sbom, ct);
            Log.Made(logger, sbom.Components.Count, repository.Name, top.Digest.ToString(), layers.Count);
        }

        await RecordAsync(reference, top.Digest, sbom, reused, actor, ct);
        return new ImageSbom(reference.WithDigest(top.Digest), top.Digest, platform?.Digest, tag, reused, sbom, notes);
    }

    /// <summary>The linux/amd64 manifest of an index; refused, naming the platforms it has, when there is none.</summary>
    private async Task<Manifest> PlatformOfAsync(ImageReference reference, Manifest index, CancellationToken ct)
    {
        var children = index.ParseIndex().Manifests;
        var child = children.FirstOrDefault(m => m.Platform is { Os: "linux", Architecture: "amd64" } && MediaTypes.IsImageManifest(m.MediaType));
        if (child is null)
        {
            var platforms = children.Select(m => m.Platform?.ToString() ?? "(no platform)").Distinct().ToList();
            throw SupplyException.Unprocessable(
                $"{reference} is a multi-platform index without a linux/amd64 image (it has {(platforms.Count == 0 ? "no manifests" : string.Join(", ", platforms))}): Slipway catalogues the image the local target runs, linux/amd64");
        }

        return await Registries.CallAsync(() => registry.GetManifestAsync(reference.WithDigest(child.Digest), ct));
    }

    /// <summary>The SBOM attached to <paramref name="digest"/>, when there is one that parses and describes it.</summary>
    private async Task<BillOfMaterials?> ReadAttachedAsync(ImageReference repository, Digest digest, CancellationToken ct)
    {
        var attached = repository with { Tag = SbomAttachment.Tag(digest) };
        try
        {
            if (await registry.HeadManifestAsync(attached, ct) is null)
            {
                return null;
            }

            var manifest = (await registry.GetManifestAsync(attached, ct)).ParseImage();
            var layer = manifest.Layers.FirstOrDefault(l => l.MediaType == SbomAttachment.MediaType) ?? manifest.Layers.FirstOrDefault();
            if (layer is null || layer.Size > MaxSbomBytes)
            {
                Log.Unusable(logger, attached.ToString(), layer is null ? "it has no layer" : $"its layer is {layer.Size} bytes");
                return null;
            }

            var sbom = CycloneDxReader.Read(await registry.GetBlobAsync(repository, layer.Digest, MaxSbomBytes, ct));
            if (sbom.Subject is { } subject && subject.Digest != digest)
            {
                Log.Unusable(logger, attached.ToString(), $"it describes {subject.Digest}");
                return null;
            }

            return sbom;
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException)
        {
            Log.Unusable(logger, attached.ToString(), e.Message);
            return null;
        }
        catch (RegistryException e) when (e.IsNotFound)
        {
            return null;
        }
    }

    private async Task AttachAsync(ImageReference repository, Manifest image, BillOfMaterials sbom, CancellationToken ct)
    {
        var bytes = CycloneDxWriter.ToBytes(sbom);
        await Registries.CallAsync(async () =>
        {
            var layer = await registry.PushBlobAsync(repository, SbomAttachment.MediaType, bytes, ct);
            var config = await registry.PushBlobAsync(repository, EmptyConfigMediaType, EmptyConfig, ct);
            var manifest = new ImageManifest(config, [layer])
            {
                MediaType = MediaTypes.OciManifest,
                ArtifactType = SbomAttachment.MediaType,
                Subject = new Descriptor(image.MediaType, image.Digest, image.Size),
            };
            return await registry.PutManifestAsync(repository with { Tag = SbomAttachment.Tag(image.Digest) }, Manifest.Create(manifest), ct);
        });
    }

    private async Task RecordAsync(ImageReference reference, Digest digest, BillOfMaterials sbom, bool reused, string actor, CancellationToken ct)
    {
        var details = new JsonObject
        {
            ["sbom"] = new JsonObject
            {
                ["tag"] = SbomAttachment.Tag(digest),
                ["serialNumber"] = $"urn:uuid:{sbom.SerialNumber}",
                ["timestamp"] = sbom.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
                ["components"] = sbom.Components.Count,
                ["reused"] = reused,
            },
        };
        var packages = sbom.Components
            .Select(c => new ImagePackageRecord(Ecosystems.Of(c.Purl), c.Name, c.Version, c.Purl.ToString()))
            .ToList();
        var repository = reference with { Tag = null, Digest = null };
        await store.SaveImageAsync(
            new ImageRecord(repository.Name, digest.ToString(), reference.Tag is { } tag ? [tag] : [], "sbom", time.GetUtcNow(), actor, details.ToJsonString(SlipwayJson.Options)),
            packages,
            ct);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "SBOM of {Repository}@{Digest}: {Components} packages from {Layers} layers, attached")]
        public static partial void Made(ILogger logger, int components, string repository, string digest, int layers);

        [LoggerMessage(2, LogLevel.Warning, "The SBOM attached as {Attachment} is not used, and is made again: {Problem}")]
        public static partial void Unusable(ILogger logger, string attachment, string problem);
    }
}

/// <summary>The SBOM of an image: attached already (<see cref="Reused"/>) or made now, with what it could not read.</summary>
/// <param name="Image">The image as asked for, with its digest.</param>
/// <param name="Platform">For an index, the linux/amd64 manifest read; null otherwise or when reused.</param>
internal sealed record ImageSbom(ImageReference Image, Digest Digest, Digest? Platform, string Tag, bool Reused, BillOfMaterials Sbom, IReadOnlyList<string> Notes)
{
    public SbomView View()
    {
        var document = JsonNode.Parse(CycloneDxWriter.ToBytes(Sbom))!;
        return new SbomView(
            Image.ToString(),
            Digest.ToString(),
            Platform?.ToString(),
            Tag,
            Reused,
            [.. Sbom.Components.Select(c => new SbomComponentView(Ecosystems.Of(c.Purl), c.Name, c.Version, c.Purl.ToString(), c.Locations))],
            Notes,
            document);
    }
}
