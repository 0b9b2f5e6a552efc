using System.Formats.Tar;
using System.IO.Compression;

namespace Slipway.Oci.Sbom;

/// <summary>
/// Reads an image's filesystem the way a container runtime stacks it, keeping only the files a predicate wants.
/// Layers are applied bottom to top, each streamed once (tar, or tar+gzip; zstd and anything else is refused by name).
/// Within a layer, OCI whiteouts apply to the layers below only (image-spec, "Whiteouts"): <c>DIR/.wh.NAME</c> removes
/// NAME and everything under it, <c>DIR/.wh..wh..opq</c> empties DIR; then the layer's own files are laid on top. So
/// a whiteout met after a file of the same layer — tar order is free — never hides that file.
/// <para>
/// Wanted symbolic links are followed at the end, once every layer is applied, through the final filesystem:
/// Debian's <c>etc/os-release</c> is a link to <c>../usr/lib/os-release</c>, and the link may come from a lower layer
/// than its target. A link resolves only to a file that is itself wanted (the predicate should want both ends).
/// </para>
/// </summary>
internal static class ImageFileSystem
{
    /// <summary>The default limit on one kept file: larger ones are noted and skipped rather than held in memory.</summary>
    public const long DefaultMaxFileBytes = 64L * 1024 * 1024;

    private const int MaxLinkHops = 16;

    /// <summary>Applies <paramref name="layers"/> in order and returns the wanted files of the result.</summary>
    /// <exception cref="UnreadableLayerException">A layer is zstd, bzip2, xz, or not a tar.</exception>
    public static async Task<CollectedFiles> ReadAsync(
        IReadOnlyList<LayerSource> layers,
        Func<string, bool> wanted,
        CancellationToken ct,
        long maxFileBytes = DefaultMaxFileBytes)
    {
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(wanted);
        var state = new Stack(new Dictionary<string, byte[]>(StringComparer.Ordinal), new Dictionary<string, string>(StringComparer.Ordinal), []);
        for (var i = 0; i < layers.Count; i++)
        {
            var layer = await ReadLayerAsync(layers[i], i, wanted, maxFileBytes, state.Notes, ct).ConfigureAwait(false);
            state.Apply(layer);
        }

        return state.Resolve(wanted);
    }

    private static async Task<Layer> ReadLayerAsync(LayerSource source, int index, Func<string, bool> wanted, long maxFileBytes, List<string> notes, CancellationToken ct)
    {
        var layer = new Layer();
        var raw = await source.OpenAsync(ct).ConfigureAwait(false);
        await using var _ = raw.ConfigureAwait(false);
        var head = new byte[LayerFormats.SniffLength];
        var count = await raw.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        if (count == 0)
        {
            return layer; // an empty blob: nothing to add, nothing to remove
        }

        var format = LayerFormats.Sniff(head.AsSpan(0, count));
        var name = source.Describe(index);
        Stream tar = format switch
        {
            LayerFormat.Tar => new PrefixedStream(head, count, raw),
            LayerFormat.Gzip => new GZipStream(new PrefixedStream(head, count, raw), CompressionMode.Decompress),
            LayerFormat.Zstd => throw new UnreadableLayerException(
                $"{name} is compressed with zstd{MediaTypeNote(source)}, which Slipway cannot read: push the image with gzip layers (docker buildx --output type=image,compression=gzip, or skopeo copy --dest-compress-format gzip)"),
            LayerFormat.Bzip2 or LayerFormat.Xz => throw new UnreadableLayerException(
                $"{name} is compressed with {format.ToString().ToLowerInvariant()}{MediaTypeNote(source)}, which Slipway cannot read: expected a tar or a gzip-compressed tar"),
            _ => throw new UnreadableLayerException(
                $"{name} is not a tar archive{MediaTypeNote(source)}: it starts with {Convert.ToHexStringLower(head.AsSpan(0, Math.Min(count, 8)))}; expected a tar or a gzip-compressed tar"),
        };

        await using var __ = tar.ConfigureAwait(false);
        try
        {
            using var reader = new TarReader(tar, leaveOpen: true);
            while (await reader.GetNextEntryAsync(copyData: false, ct).ConfigureAwait(false) is { } entry)
            {
                await layer.AddAsync(entry, name, wanted, maxFileBytes, notes, ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new UnreadableLayerException($"{name} is not a readable {(format == LayerFormat.Gzip ? "gzip-compressed tar" : "tar")}: {e.Message}", e);
        }

        return layer;
    }

    private static string MediaTypeNote(LayerSource source) => source.MediaType is null ? "" : $" (media type {source.MediaType})";

    /// <summary>What one layer brings: its wanted files and links, and what it removes from the layers below.</summary>
    private sealed class Layer
    {
        public Dictionary<string, byte[]> Files { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, string> Links { get; } = new(StringComparer.Ordinal);

        public List<string> Removed { get; } = [];

        public List<string> Emptied { get; } = [];

        public async Task AddAsync(TarEntry entry, string layerName, Func<string, bool> wanted, long maxFileBytes, List<string> notes, CancellationToken ct)
        {
            var path = CollectedFiles.Normalize(entry.Name);
            var slash = path.LastIndexOf('/');
            var dir = slash < 0 ? "" : path[..slash];
            var file = path[(slash + 1)..];
            if (file == ".wh..wh..opq")
            {
                Emptied.Add(dir);
                return;
            }

            if (file.StartsWith(".wh.", StringComparison.Ordinal))
            {
                Removed.Add(Join(dir, file[4..]));
                return;
            }

            if (path.Length == 0 || !wanted(path))
            {
                return;
            }

            switch (entry.EntryType)
            {
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    if (entry.Length > maxFileBytes)
                    {
                        notes.Add($"/{path} in {layerName} is {entry.Length} bytes, above the {maxFileBytes}-byte limit: skipped");
                        return;
                    }

                    var content = new byte[entry.Length];
                    if (entry.DataStream is { } data)
                    {
                        await data.ReadExactlyAsync(content, ct).ConfigureAwait(false);
                    }

                    Links.Remove(path);
                    Files[path] = content;
                    break;
                case TarEntryType.SymbolicLink:
                    Files.Remove(path);
                    Links[path] = entry.LinkName.StartsWith('/') ? CollectedFiles.Normalize(entry.LinkName) : CollectedFiles.Normalize(Join(dir, entry.LinkName));
                    break;
                case TarEntryType.HardLink:
                    // A hard link names an earlier entry of the same archive; its content is there only if it was wanted too.
                    var target = CollectedFiles.Normalize(entry.LinkName);
                    if (Files.TryGetValue(target, out var linked))
                    {
                        Files[path] = linked;
                    }
                    else
                    {
                        notes.Add($"/{path} in {layerName} is a hard link to /{target}, which was not kept: skipped");
                    }

                    break;
            }
        }
    }

    /// <summary>The filesystem so far: wanted files and links of the layers applied.</summary>
    private sealed record Stack(Dictionary<string, byte[]> Files, Dictionary<string, string> Links, List<string> Notes)
    {
        public void Apply(Layer layer)
        {
            foreach (var removed in layer.Removed)
            {
                RemoveWhere(p => p == removed || p.StartsWith(removed + "/", StringComparison.Ordinal));
            }

            foreach (var emptied in layer.Emptied)
            {
                RemoveWhere(p => emptied.Length == 0 || p.StartsWith(emptied + "/", StringComparison.Ordinal));
            }

            foreach (var (path, content) in layer.Files)
            {
                Links.Remove(path);
                Files[path] = content;
            }

            foreach (var (path, target) in layer.Links)
            {
                Files.Remove(path);
                Links[path] = target;
            }
        }

        public CollectedFiles Resolve(Func<string, bool> wanted)
        {
            var result = new SortedDictionary<string, byte[]>(Files, StringComparer.Ordinal);
            foreach (var (path, first) in Links)
            {
                var target = first;
                for (var hop = 0; hop < MaxLinkHops && Links.TryGetValue(target, out var next); hop++)
                {
                    target = next;
                }

                if (Files.TryGetValue(target, out var content))
                {
                    result[path] = content;
                }
                else if (!wanted(target))
                {
                    Notes.Add($"/{path} is a link to /{target}, which is not catalogued: skipped");
                }
            }

            return new CollectedFiles(result, Notes);
        }

        private void RemoveWhere(Func<string, bool> match)
        {
            foreach (var path in Files.Keys.Where(match).ToList())
            {
                Files.Remove(path);
            }

            foreach (var path in Links.Keys.Where(match).ToList())
            {
                Links.Remove(path);
            }
        }
    }

    private static string Join(string dir, string name) => dir.Length == 0 ? name : dir + "/" + name;
}
