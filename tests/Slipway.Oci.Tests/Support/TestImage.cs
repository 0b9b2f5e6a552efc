using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Slipway.Oci.Registry;

namespace Slipway.Oci.Tests.Support;

/// <summary>
/// A small image composed in the test: a config and layers that are real gzip'd tars, each holding one file of
/// random bytes (so nothing compresses and a layer's size is what the test chose). OCI media types by default,
/// Docker schema 2 on request. Pushed blob by blob and then its manifest, as a builder pushes.
/// </summary>
internal sealed class TestImage
{
    private TestImage(Manifest manifest, byte[] config, IReadOnlyList<byte[]> layers)
    {
        Manifest = manifest;
        Config = config;
        Layers = layers;
    }

    public Manifest Manifest { get; }

    public byte[] Config { get; }

    public IReadOnlyList<byte[]> Layers { get; }

    public Digest Digest => Manifest.Digest;

    /// <summary>Every blob's bytes: config, then layers.</summary>
    public IEnumerable<byte[]> Blobs => Layers.Prepend(Config);

    public long LayerBytes => Layers.Sum(l => (long)l.Length);

    /// <summary>An image of <paramref name="layerCount"/> new random layers of about <paramref name="layerSize"/> bytes.</summary>
    public static TestImage Create(int layerCount = 3, int layerSize = 256 * 1024, string label = "v1", bool docker = false) =>
        WithLayers([.. Enumerable.Range(0, layerCount).Select(i => Layer($"layer-{i}.bin", layerSize))], label, docker);

    /// <summary>An image of the given layers (shared with another image) and a config of its own, labelled <paramref name="label"/>.</summary>
    public static TestImage WithLayers(IReadOnlyList<byte[]> layers, string label, bool docker = false)
    {
        var diffIds = layers.Select(l => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Gunzip(l)))).ToArray();
        var config = JsonSerializer.SerializeToUtf8Bytes(new
        {
            architecture = "amd64",
            os = "linux",
            config = new { Labels = new Dictionary<string, string> { ["org.opencontainers.image.version"] = label } },
            rootfs = new { type = "layers", diff_ids = diffIds },
        });
        var image = new ImageManifest(
            Descriptor.Of(docker ? MediaTypes.DockerConfig : MediaTypes.OciConfig, config),
            [.. layers.Select(l => Descriptor.Of(docker ? MediaTypes.DockerLayerGzip : MediaTypes.OciLayerGzip, l))])
        {
            MediaType = docker ? MediaTypes.DockerManifest : MediaTypes.OciManifest,
        };
        return new TestImage(Manifest.Create(image), config, layers);
    }

    /// <summary>Pushes the blobs, then the manifest under <paramref name="target"/>'s tag (or by digest).</summary>
    public async Task PushAsync(RegistryClient client, ImageReference target, CancellationToken ct = default)
    {
        foreach (var blob in Blobs)
        {
            var digest = Digest.Sha256(blob);
            if (!await client.BlobExistsAsync(target, digest, ct))
            {
                using var stream = new MemoryStream(blob);
                await client.PushBlobAsync(target, digest, blob.Length, stream, ct);
            }
        }

        await client.PutManifestAsync(target, Manifest, ct);
    }

    /// <summary>A gzip'd tar holding one file <paramref name="name"/> of <paramref name="size"/> random bytes.</summary>
    public static byte[] Layer(string name, int size)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
            {
                DataStream = new MemoryStream(RandomNumberGenerator.GetBytes(size)),
                ModificationTime = DateTimeOffset.UnixEpoch,
            };
            writer.WriteEntry(entry);
        }

        using var gzipped = new MemoryStream();
        using (var gzip = new GZipStream(gzipped, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(tar.ToArray());
        }

        return gzipped.ToArray();
    }

    private static byte[] Gunzip(byte[] gzipped)
    {
        using var input = new GZipStream(new MemoryStream(gzipped), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    public override string ToString() => Encoding.UTF8.GetString(Manifest.Bytes.Span);
}
