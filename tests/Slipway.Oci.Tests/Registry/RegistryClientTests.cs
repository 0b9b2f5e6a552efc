using Slipway.Oci.Registry;
using Slipway.Oci.Tests.Support;

namespace Slipway.Oci.Tests.Registry;

/// <summary>The registry client against a real registry (distribution 2.8 over plain http, listed insecure).</summary>
public sealed class RegistryClientTests
{
    [Fact]
    public async Task An_image_pushed_reads_back_byte_for_byte_by_tag_and_by_digest()
    {
        await using var registry = await RegistryServer.StartAsync();
        using var client = new RegistryClient(registry.InsecureOptions);
        var image = TestImage.Create();
        var target = registry.Reference("team/app:v1");

        await image.PushAsync(client, target);

        var byTag = await client.GetManifestAsync(target, default);
        Assert.Equal(image.Digest, byTag.Digest);
        Assert.Equal(MediaTypes.OciManifest, byTag.MediaType);
        Assert.True(image.Manifest.Bytes.Span.SequenceEqual(byTag.Bytes.Span));
        var byDigest = await client.GetManifestAsync(target.WithDigest(image.Digest) with { Tag = null }, default);
        Assert.Equal(image.Digest, byDigest.Digest);

        var parsed = byTag.ParseImage();
        Assert.Equal(3, parsed.Layers.Count);
        foreach (var (descriptor, expected) in parsed.Blobs.Zip(image.Blobs))
        {
            await using var blob = await client.OpenBlobAsync(target, descriptor.Digest, descriptor.Size, default);
            using var read = new MemoryStream();
            await blob.CopyToAsync(read);
            Assert.Equal(expected, read.ToArray());
        }

        var head = await client.HeadManifestAsync(target, default);
        Assert.Equal(new Descriptor(MediaTypes.OciManifest, image.Digest, image.Manifest.Size), head);
        Assert.Equal(["v1"], await client.ListTagsAsync(target, default));
        Assert.Equal(image.Digest.ToString(), await Skopeo.DigestAsync($"{registry.Address}/team/app:v1"));
    }

    [Fact]
    public async Task A_docker_schema_2_image_keeps_its_media_types()
    {
        await using var registry = await RegistryServer.StartAsync();
        using var client = new RegistryClient(registry.InsecureOptions);
        var image = TestImage.Create(layerCount: 2, docker: true);
        var target = registry.Reference("app:docker");

        await image.PushAsync(client, target);

        var read = await client.GetManifestAsync(target, default);
        Assert.Equal(MediaTypes.DockerManifest, read.MediaType);
        Assert.Equal(image.Digest, read.Digest);
        Assert.All(read.ParseImage().Layers, layer => Assert.Equal(MediaTypes.DockerLayerGzip, layer.MediaType));
        Assert.Equal(MediaTypes.DockerConfig, read.ParseImage().Config.MediaType);
        Assert.Equal(image.Digest.ToString(), await Skopeo.DigestAsync($"{registry.Address}/app:docker"));
    }

    [Fact]
    public async Task A_blob_larger_than_the_chunk_size_goes_in_chunks_to_relative_locations()
    {
        await using var registry = await RegistryServer.StartAsync(new RegistryServerOptions { RelativeUrls = true });
        RecordingHandler? recorder = null;
        using var client = new RegistryClient(registry.InsecureOptions with { ChunkSize = 64 * 1024 }, null, null,
            inner => recorder = new RecordingHandler(inner));
        var blob = TestImage.Layer("big.bin", 200 * 1024);
        var digest = Digest.Sha256(blob);
        var target = registry.Reference("app");

        using (var content = new MemoryStream(blob))
        {
            Assert.Equal(blob.Length, await client.PushBlobAsync(target, digest, blob.Length, content, default));
        }

        var requests = recorder!.Requests;
        Assert.Equal("POST /v2/app/blobs/uploads/", requests[0]);
        var patches = requests.Where(r => r.StartsWith("PATCH ", StringComparison.Ordinal)).ToList();
        Assert.Equal((blob.Length + 65535) / 65536, patches.Count);
        Assert.EndsWith(" 0-65535", patches[0], StringComparison.Ordinal);
        Assert.EndsWith($" 65536-131071", patches[1], StringComparison.Ordinal);
        Assert.EndsWith($"-{blob.Length - 1}", patches[^1], StringComparison.Ordinal);
        Assert.StartsWith("PUT /v2/app/blobs/uploads/", requests[^1], StringComparison.Ordinal);
        Assert.Contains("digest=sha256%3A" + digest.Hex, requests[^1], StringComparison.Ordinal);

        Assert.Equal(blob, await client.GetBlobAsync(target, digest, 1024 * 1024, default));
    }

    [Fact]
    public async Task A_small_blob_goes_in_one_put_and_a_blob_is_mounted_from_another_repository()
    {
        await using var registry = await RegistryServer.StartAsync();
        RecordingHandler? recorder = null;
        using var client = new RegistryClient(registry.InsecureOptions with { ChunkSize = 1024 * 1024 }, null, null, inner => recorder = new RecordingHandler(inner));
        var blob = TestImage.Layer("small.bin", 10 * 1024);
        var digest = Digest.Sha256(blob);
        using (var content = new MemoryStream(blob))
        {
            await client.PushBlobAsync(registry.Reference("dev/app"), digest, blob.Length, content, default);
        }

        Assert.DoesNotContain(recorder!.Requests, r => r.StartsWith("PATCH", StringComparison.Ordinal));
        Assert.False(await client.BlobExistsAsync(registry.Reference("prod/app"), digest, default));

        Assert.True(await client.MountBlobAsync(registry.Reference("prod/app"), digest, "dev/app", default));
        Assert.True(await client.BlobExistsAsync(registry.Reference("prod/app"), digest, default));

        var absent = Digest.Sha256("not pushed anywhere"u8);
        Assert.False(await client.MountBlobAsync(registry.Reference("prod/app"), absent, "dev/app", default));
    }

    [Fact]
    public async Task An_index_reads_back_with_its_platforms_and_a_deleted_manifest_is_gone()
    {
        await using var registry = await RegistryServer.StartAsync();
        using var client = new RegistryClient(registry.InsecureOptions);
        var target = registry.Reference("multi");
        var amd64 = TestImage.Create(layerCount: 1, label: "amd64");
        var arm64 = TestImage.Create(layerCount: 1, label: "arm64");
        await amd64.PushAsync(client, target);
        await arm64.PushAsync(client, target);
        var index = Manifest.Create(new ImageIndex(
        [
            amd64.Manifest.Descriptor with { Platform = new Platform("amd64", "linux") },
            arm64.Manifest.Descriptor with { Platform = new Platform("arm64", "linux") { Variant = "v8" } },
        ]) { MediaType = MediaTypes.OciIndex });

        await client.PutManifestAsync(target with { Tag = "1.0" }, index, default);

        var read = await client.GetManifestAsync(target with { Tag = "1.0" }, default);
        Assert.True(read.IsIndex);
        Assert.Equal(index.Digest, read.Digest);
        Assert.Equal(["linux/amd64", "linux/arm64/v8"], read.ParseIndex().Manifests.Select(m => m.Platform!.ToString()));

        await client.DeleteManifestAsync(target, index.Digest, default);
        Assert.Null(await client.HeadManifestAsync(target.WithDigest(index.Digest), default));
        Assert.NotNull(await client.HeadManifestAsync(target.WithDigest(amd64.Digest), default));
    }

    [Fact]
    public async Task A_missing_manifest_is_an_error_that_names_the_registry_the_repository_and_the_tag()
    {
        await using var registry = await RegistryServer.StartAsync();
        using var client = new RegistryClient(registry.InsecureOptions);

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(registry.Reference("team/app:v9"), default));

        Assert.True(error.IsNotFound);
        Assert.Contains($"registry {registry.Address}", error.Message, StringComparison.Ordinal);
        Assert.Contains("repository team/app", error.Message, StringComparison.Ordinal);
        Assert.Contains("there is no manifest v9 in team/app", error.Message, StringComparison.Ordinal);
        Assert.Null(await client.HeadManifestAsync(registry.Reference("team/app:v9"), default));
        Assert.Empty(await client.ListTagsAsync(registry.Reference("team/app"), default));
    }

    [Fact]
    public async Task A_plain_http_registry_not_listed_as_insecure_is_refused_with_how_to_allow_it()
    {
        await using var registry = await RegistryServer.StartAsync();
        using var client = new RegistryClient(new RegistryClientOptions { InsecureRegistriesSetting = "registries.insecure" });

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(registry.Reference("app:v1"), default));

        Assert.Contains("speaks plain http, not https", error.Message, StringComparison.Ordinal);
        Assert.Contains($"add \"{registry.Address}\" to registries.insecure", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_registry_that_is_not_there_is_named_with_its_address()
    {
        // A port bound but not listening: connections to it are refused, and no other test can take it meanwhile.
        using var reserved = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        reserved.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, LoopbackPorts.Free()));
        var port = ((System.Net.IPEndPoint)reserved.LocalEndPoint!).Port;
        using var client = new RegistryClient(new RegistryClientOptions { InsecureRegistries = new HashSet<string> { $"127.0.0.1:{port}" } });

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.HeadManifestAsync(ImageReference.Parse($"127.0.0.1:{port}/app:v1"), default));

        Assert.Contains($"cannot connect to http://127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_blob_whose_stored_bytes_changed_fails_its_read_instead_of_ending()
    {
        await using var registry = await RegistryServer.StartAsync();
        using var client = new RegistryClient(registry.InsecureOptions);
        var image = TestImage.Create(layerCount: 1, layerSize: 32 * 1024);
        var target = registry.Reference("app:v1");
        await image.PushAsync(client, target);
        var layer = image.Manifest.ParseImage().Layers[0];

        // Corrupt the registry's own copy on disk: distribution serves stored blobs without re-hashing them.
        var data = Directory.GetFiles(registry.StorageDirectory, "data", SearchOption.AllDirectories)
            .Single(path => Path.GetFileName(Path.GetDirectoryName(path)) == layer.Digest.Hex);
        var bytes = await File.ReadAllBytesAsync(data);
        bytes[bytes.Length / 2] ^= 0xff;
        await File.WriteAllBytesAsync(data, bytes);

        await using var blob = await client.OpenBlobAsync(target, layer.Digest, layer.Size, default);
        var error = await Assert.ThrowsAsync<RegistryException>(() => blob.CopyToAsync(Stream.Null));
        Assert.Contains($"fetch blob {layer.Digest}", error.Message, StringComparison.Ordinal);
        Assert.Contains("not to the digest asked for", error.Message, StringComparison.Ordinal);
    }
}
