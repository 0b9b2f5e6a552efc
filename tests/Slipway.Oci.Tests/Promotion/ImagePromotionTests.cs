using System.Text;
using System.Text.Json;
using Slipway.Oci.Promotion;
using Slipway.Oci.Registry;
using Slipway.Oci.Tests.Support;

namespace Slipway.Oci.Tests.Promotion;

/// <summary>
/// Promotion by digest between real registries. What goes over the wire is counted by a TCP proxy in front of the
/// destination, independently of the client's own accounting; skopeo reads the destination's digest independently.
/// </summary>
public sealed class ImagePromotionTests
{
    private const int LayerSize = 256 * 1024;

    [Fact]
    public async Task Within_one_registry_every_blob_is_mounted_and_no_blob_byte_is_sent()
    {
        await using var registry = await RegistryServer.StartAsync();
        await using var proxy = new CountingProxy(registry.Port);
        using var client = new RegistryClient(new RegistryClientOptions { InsecureRegistries = new HashSet<string> { proxy.Address } });
        var image = TestImage.Create();
        await image.PushAsync(client, Reference(proxy, "dev/app:v1"));
        proxy.Reset();

        var result = await new ImagePromotion(client).PromoteAsync(Reference(proxy, "dev/app:v1"), Reference(proxy, "prod/app:v1"), null, default);

        Assert.Equal(image.Digest, result.SourceDigest);
        Assert.Equal(image.Digest, result.DestinationDigest);
        Assert.Equal($"{proxy.Address}/prod/app:v1@{image.Digest}", result.Destination.ToString());
        Assert.All(result.Blobs, blob => Assert.Equal(BlobCopyOutcome.Mounted, blob.Outcome));
        Assert.Equal(4, result.Blobs.Count);
        Assert.Equal(0, result.BlobBytesSent);
        Assert.True(proxy.BytesSent < LayerSize / 4, $"{proxy.BytesSent} bytes sent to the registry for a promotion by mounts");
        Assert.Equal(image.Digest.ToString(), await Skopeo.DigestAsync($"{registry.Address}/prod/app:v1"));
    }

    [Fact]
    public async Task Between_registries_the_digest_is_kept_and_an_image_sharing_layers_sends_no_layer_byte()
    {
        await using var dev = await RegistryServer.StartAsync();
        await using var prod = await RegistryServer.StartAsync();
        await using var proxy = new CountingProxy(prod.Port);
        using var client = new RegistryClient(new RegistryClientOptions { InsecureRegistries = new HashSet<string> { dev.Address, proxy.Address } });
        var promotion = new ImagePromotion(client);
        var v1 = TestImage.Create(layerCount: 3, layerSize: LayerSize, label: "v1");
        await v1.PushAsync(client, dev.Reference("app:v1"));

        var first = await promotion.PromoteAsync(dev.Reference("app:v1"), Reference(proxy, "app:v1"), null, default);

        Assert.Equal(v1.Digest, first.DestinationDigest);
        Assert.All(first.Blobs, blob => Assert.Equal(BlobCopyOutcome.Uploaded, blob.Outcome));
        Assert.Equal(v1.Blobs.Sum(b => (long)b.Length), first.BlobBytesSent);
        Assert.True(proxy.BytesSent >= v1.LayerBytes, $"the proxy counted {proxy.BytesSent} bytes for {v1.LayerBytes} bytes of layers");
        Assert.Equal(v1.Digest.ToString(), await Skopeo.DigestAsync($"{prod.Address}/app:v1"));

        // The next build: the same layers, a new config.
        var v2 = TestImage.WithLayers(v1.Layers, label: "v2");
        await v2.PushAsync(client, dev.Reference("app:v2"));
        proxy.Reset();

        var second = await promotion.PromoteAsync(dev.Reference("app:v2"), Reference(proxy, "app:v2"), null, default);

        Assert.Equal(v2.Digest, second.DestinationDigest);
        var layers = v2.Manifest.ParseImage().Layers.Select(l => l.Digest).ToHashSet();
        Assert.All(second.Blobs.Where(b => layers.Contains(b.Digest)), blob => Assert.Equal(BlobCopyOutcome.Skipped, blob.Outcome));
        Assert.Equal(v2.Config.Length, second.BlobBytesSent);
        Assert.True(proxy.BytesSent < LayerSize / 4, $"{proxy.BytesSent} bytes sent for an image whose {layers.Count} layers of ~{LayerSize} bytes the destination had");
        Assert.Equal(v2.Digest.ToString(), await Skopeo.DigestAsync($"{prod.Address}/app:v2"));
    }

    [Fact]
    public async Task An_index_goes_with_its_manifests_first_streamed_in_chunks_and_keeps_its_digest()
    {
        await using var dev = await RegistryServer.StartAsync();
        await using var prod = await RegistryServer.StartAsync();
        using var client = new RegistryClient(new RegistryClientOptions
        {
            InsecureRegistries = new HashSet<string> { dev.Address, prod.Address },
            ChunkSize = 100 * 1024,
        });
        var amd64 = TestImage.Create(layerCount: 2, label: "amd64");
        var arm64 = TestImage.Create(layerCount: 2, label: "arm64");
        await amd64.PushAsync(client, dev.Reference("app"));
        await arm64.PushAsync(client, dev.Reference("app"));
        var index = Manifest.Create(new ImageIndex(
        [
            amd64.Manifest.Descriptor with { Platform = new Platform("amd64", "linux") },
            arm64.Manifest.Descriptor with { Platform = new Platform("arm64", "linux") },
        ]) { MediaType = MediaTypes.OciIndex });
        await client.PutManifestAsync(dev.Reference("app:1.0"), index, default);

        var result = await new ImagePromotion(client).PromoteAsync(dev.Reference("app:1.0"), prod.Reference("app:1.0"), null, default);

        Assert.Equal(index.Digest, result.DestinationDigest);
        Assert.Equal([amd64.Digest, arm64.Digest, index.Digest], result.Manifests.Select(m => m.Digest));
        Assert.All(result.Manifests, m => Assert.Equal(ManifestCopyOutcome.Pushed, m.Outcome));
        Assert.Equal(6, result.Blobs.Count(b => b.Outcome == BlobCopyOutcome.Uploaded));
        var raw = await Skopeo.RawManifestAsync($"{prod.Address}/app:1.0");
        Assert.Equal(index.Digest, Digest.Sha256(Encoding.UTF8.GetBytes(raw)));
    }

    [Fact]
    public async Task A_cosign_signature_and_sbom_go_with_the_image_and_the_signature_verifies_in_the_destination()
    {
        await using var dev = await RegistryServer.StartAsync();
        await using var prod = await RegistryServer.StartAsync();
        using var keys = new TemporaryDirectory();
        using var client = new RegistryClient(new RegistryClientOptions { InsecureRegistries = new HashSet<string> { dev.Address, prod.Address } });
        var image = TestImage.Create(layerCount: 2);
        await image.PushAsync(client, dev.Reference("app:v1"));
        var tag = $"sha256-{image.Digest.Hex}";
        await AttachSignatureAsync(client, keys, dev.Reference($"app:{tag}.sig"), dev.Reference("app"), image.Digest);
        await AttachAsync(client, dev.Reference($"app:{tag}.sbom"), "application/vnd.cyclonedx+json", """{"bomFormat":"CycloneDX","specVersion":"1.5"}"""u8.ToArray());

        var result = await new ImagePromotion(client).PromoteAsync(dev.Reference("app:v1"), prod.Reference("app:v1"), null, default);

        Assert.Equal([$"{tag}.sig", $"{tag}.sbom"], result.Attachments.Select(a => a.Tag));
        Assert.All(result.Attachments, a => Assert.Null(a.Previous));

        // Verified as cosign verifies: the payload names the promoted digest, and the signature over it checks out
        // with the public key (openssl, independently of this code).
        var signature = await client.GetManifestAsync(prod.Reference($"app:{tag}.sig"), default);
        var layer = signature.ParseImage().Layers.Single();
        var payload = await client.GetBlobAsync(prod.Reference("app"), layer.Digest, 64 * 1024, default);
        using var json = JsonDocument.Parse(payload);
        var signed = json.RootElement.GetProperty("critical").GetProperty("image").GetProperty("docker-manifest-digest").GetString();
        Assert.Equal((await client.ResolveAsync(prod.Reference("app:v1"), default)).ToString(), signed);
        var payloadPath = keys.Combine("payload.json");
        var signaturePath = keys.Combine("signature.der");
        await File.WriteAllBytesAsync(payloadPath, payload);
        await File.WriteAllBytesAsync(signaturePath, Convert.FromBase64String(layer.Annotations!["dev.cosignproject.cosign/signature"]));
        var verified = await Tool.RunAsync("openssl", "dgst", "-sha256", "-verify", keys.Combine("public.pem"), "-signature", signaturePath, payloadPath);
        Assert.Equal("Verified OK", verified.Trim());
    }

    [Fact]
    public async Task Promoting_again_sends_nothing_and_a_tag_that_moves_says_from_which_digest()
    {
        await using var dev = await RegistryServer.StartAsync();
        await using var prod = await RegistryServer.StartAsync();
        using var client = new RegistryClient(new RegistryClientOptions { InsecureRegistries = new HashSet<string> { dev.Address, prod.Address } });
        var promotion = new ImagePromotion(client);
        var v1 = TestImage.Create(layerCount: 2, label: "v1");
        var v2 = TestImage.Create(layerCount: 2, label: "v2");
        await v1.PushAsync(client, dev.Reference("app:v1"));
        await v2.PushAsync(client, dev.Reference("app:v2"));
        var options = new PromotionOptions { Tags = ["stable"] };

        var first = await promotion.PromoteAsync(dev.Reference("app:v1"), prod.Reference("app:v1"), options, default);
        var again = await promotion.PromoteAsync(dev.Reference("app:v1"), prod.Reference("app:v1"), options, default);
        var next = await promotion.PromoteAsync(dev.Reference("app:v2"), prod.Reference("app"), options, default);

        Assert.Equal([new TagUpdate("v1", v1.Digest, v1.Manifest.Size, null), new TagUpdate("stable", v1.Digest, v1.Manifest.Size, null)], first.Tags);
        Assert.Equal([ManifestCopyOutcome.Existed], again.Manifests.Select(m => m.Outcome));
        Assert.Empty(again.Blobs);
        Assert.All(again.Tags, t => Assert.False(t.Moved));
        Assert.Equal(0, again.BlobBytesSent + again.ManifestBytesSent);
        Assert.Equal([new TagUpdate("stable", v2.Digest, v2.Manifest.Size, v1.Digest)], next.Tags);
        Assert.Equal(v2.Digest, await client.ResolveAsync(prod.Reference("app:stable"), default));
    }

    [Fact]
    public async Task Within_a_registry_with_token_auth_a_mount_gets_one_token_for_both_repositories()
    {
        await using var tokens = TokenServer.Start(new Dictionary<string, string> { ["ci"] = "pa55" });
        await using var registry = await RegistryServer.StartAsync(new RegistryServerOptions { Token = tokens });
        using var client = new RegistryClient(registry.InsecureOptions, new Login("ci", "pa55"));
        var image = TestImage.Create(layerCount: 2);
        await image.PushAsync(client, registry.Reference("dev/app:v1"));

        var result = await new ImagePromotion(client).PromoteAsync(registry.Reference("dev/app:v1"), registry.Reference("prod/app:v1"), null, default);

        Assert.All(result.Blobs, blob => Assert.Equal(BlobCopyOutcome.Mounted, blob.Outcome));
        Assert.Contains(tokens.Requests, query => query.Contains("scope=repository%3Adev%2Fapp%3Apull", StringComparison.Ordinal)
            && query.Contains("scope=repository%3Aprod%2Fapp%3Apull%2Cpush", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_source_that_does_not_exist_is_named_in_the_error()
    {
        await using var dev = await RegistryServer.StartAsync();
        using var client = new RegistryClient(dev.InsecureOptions);

        var error = await Assert.ThrowsAsync<RegistryException>(() => new ImagePromotion(client).PromoteAsync(dev.Reference("app:v7"), dev.Reference("prod/app"), null, default));

        Assert.Contains($"there is no manifest v7 in app", error.Message, StringComparison.Ordinal);
        Assert.Contains($"registry {dev.Address}", error.Message, StringComparison.Ordinal);
    }

    private static ImageReference Reference(CountingProxy proxy, string name) => ImageReference.Parse($"{proxy.Address}/{name}");

    /// <summary>A cosign-format signature of <paramref name="digest"/>: simple-signing payload, ECDSA P-256 by openssl, under the .sig tag.</summary>
    private static async Task AttachSignatureAsync(RegistryClient client, TemporaryDirectory keys, ImageReference tag, ImageReference repository, Digest digest)
    {
        await Tool.RunAsync("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", keys.Combine("private.pem"));
        await Tool.RunAsync("openssl", "ec", "-in", keys.Combine("private.pem"), "-pubout", "-out", keys.Combine("public.pem"));
        var payload = Encoding.UTF8.GetBytes(
            $$"""{"critical":{"identity":{"docker-reference":"{{repository.Name}}"},"image":{"docker-manifest-digest":"{{digest}}"},"type":"cosign container image signature"},"optional":null}""");
        var payloadPath = keys.WriteFile("signed-payload.json", Encoding.UTF8.GetString(payload));
        await Tool.RunAsync("openssl", "dgst", "-sha256", "-sign", keys.Combine("private.pem"), "-out", keys.Combine("signed.der"), payloadPath);
        var signature = Convert.ToBase64String(await File.ReadAllBytesAsync(keys.Combine("signed.der")));
        await AttachAsync(client, tag, "application/vnd.dev.cosign.simplesigning.v1+json", payload,
            new Dictionary<string, string> { ["dev.cosignproject.cosign/signature"] = signature });
    }

    private static async Task AttachAsync(RegistryClient client, ImageReference tag, string mediaType, byte[] content, IReadOnlyDictionary<string, string>? annotations = null)
    {
        var config = await client.PushBlobAsync(tag, MediaTypes.OciConfig, """{"architecture":"","os":"","rootfs":{"type":"layers","diff_ids":[]}}"""u8.ToArray(), default);
        var layer = await client.PushBlobAsync(tag, mediaType, content, default) with { Annotations = annotations };
        await client.PutManifestAsync(tag, Manifest.Create(new ImageManifest(config, [layer]) { MediaType = MediaTypes.OciManifest }), default);
    }

    private sealed class Login(string user, string password) : IRegistryCredentials
    {
        public Task<RegistryCredential?> GetAsync(string registry, CancellationToken ct) => Task.FromResult<RegistryCredential?>(new RegistryCredential(user, password));
    }
}
