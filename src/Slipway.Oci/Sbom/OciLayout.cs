using System.Runtime.InteropServices;
using System.Text.Json;

namespace Slipway.Oci.Sbom;

/// <summary>
/// The layers of an image kept in an OCI image layout on disk (image-spec, "image-layout": <c>oci-layout</c>,
/// <c>index.json</c>, <c>blobs/sha256/…</c>), as <c>skopeo copy … oci:DIR:TAG</c>, <c>umoci</c> and
/// <c>docker buildx --output type=oci</c> write it: so an image can get its SBOM without a registry. The manifest is
/// the one <c>index.json</c> names with the tag (annotation <c>org.opencontainers.image.ref.name</c>), or its only one;
/// an image index inside picks this machine's platform (linux and the runtime's architecture).
/// </summary>
public static class OciLayout
{
    private const string RefName = "org.opencontainers.image.ref.name";

    /// <summary>The manifest's digest and its layers, bottom first, each opened from its blob file when read.</summary>
    public static async Task<(Digest Manifest, IReadOnlyList<LayerSource> Layers)> ReadAsync(string layout, string? tag, CancellationToken ct)
    {
        JsonElement descriptor;
        using (var index = await ReadJsonAsync(layout, Path.Combine(layout, "index.json"), ct).ConfigureAwait(false))
        {
            descriptor = Pick(layout, index.RootElement, tag).Clone();
        }

        for (var depth = 0; depth < 4; depth++)
        {
            var digest = Digest.Parse(descriptor.GetProperty("digest").GetString() ?? "");
            using var document = await ReadJsonAsync(layout, Blob(layout, digest), ct).ConfigureAwait(false);
            var root = document.RootElement;
            if (root.TryGetProperty("layers", out var layers))
            {
                return (digest, [.. layers.EnumerateArray().Select(l =>
                {
                    var layer = Digest.Parse(l.GetProperty("digest").GetString() ?? "");
                    return LayerSource.FromFile(Blob(layout, layer), l.TryGetProperty("mediaType", out var m) ? m.GetString() : null, layer);
                })]);
            }

            descriptor = Platform(layout, root).Clone(); // an image index: this machine's platform
        }

        throw new FormatException($"{layout}: image indexes nest too deep: expected an image manifest within four levels");
    }

    private static JsonElement Pick(string layout, JsonElement index, string? tag)
    {
        var manifests = index.TryGetProperty("manifests", out var m) ? m.EnumerateArray().ToList() : [];
        var named = tag is null ? manifests : manifests.Where(d => d.TryGetProperty("annotations", out var a) && a.TryGetProperty(RefName, out var r) && r.GetString() == tag).ToList();
        return named.Count switch
        {
            1 => named[0],
            0 => throw new FormatException($"{layout}: index.json has no manifest tagged '{tag}': it has {string.Join(", ", Tags(manifests))}"),
            _ => throw new FormatException($"{layout}: index.json has {named.Count} manifests: name one by its tag ({string.Join(", ", Tags(manifests))})"),
        };
    }

    private static JsonElement Platform(string layout, JsonElement index)
    {
        var architecture = RuntimeInformation.OSArchitecture switch
        {
            Architecture.X64 => "amd64",
            Architecture.Arm64 => "arm64",
            var other => other.ToString().ToLowerInvariant(),
        };
        var manifests = index.TryGetProperty("manifests", out var m) ? m.EnumerateArray().ToList() : [];
        return manifests.FirstOrDefault(d => d.TryGetProperty("platform", out var p)
                && p.TryGetProperty("os", out var os) && os.GetString() == "linux"
                && p.TryGetProperty("architecture", out var arch) && arch.GetString() == architecture) is { ValueKind: JsonValueKind.Object } found
            ? found
            : throw new FormatException($"{layout}: the image index has no manifest for linux/{architecture}");
    }

    private static IEnumerable<string> Tags(List<JsonElement> manifests) =>
        manifests.Select(d => d.TryGetProperty("annotations", out var a) && a.TryGetProperty(RefName, out var r) ? r.GetString() ?? "(untagged)" : "(untagged)");

    private static string Blob(string layout, Digest digest) => Path.Combine(layout, "blobs", digest.Algorithm, digest.Hex);

    private static async Task<JsonDocument> ReadJsonAsync(string layout, string path, CancellationToken ct)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{layout} is not a complete OCI image layout: {Path.GetRelativePath(layout, path)} is missing", path);
        }

        var stream = File.OpenRead(path);
        await using var _ = stream.ConfigureAwait(false);
        return await JsonDocument.ParseAsync(stream, cancellationToken: ct).ConfigureAwait(false);
    }
}
