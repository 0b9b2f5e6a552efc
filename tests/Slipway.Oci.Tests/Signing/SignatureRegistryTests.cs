using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Slipway.Oci.Signing;

namespace Slipway.Oci.Tests.Signing;

/// <summary>
/// Signatures pushed to a real registry as Slipway stores them, checked from outside and read back by Slipway. The
/// outside checks: skopeo (containers/image) resolves the <c>sha256-&lt;hex&gt;.sig</c> tag and copies the signature
/// image out of the registry — so registry and client both accept its manifest, config and layers, digests and sizes —
/// and openssl verifies the <c>dev.cosignproject.cosign/signature</c> annotation over the payload blob skopeo fetched.
/// (skopeo's own sigstore policy check would be the closest thing to <c>cosign verify</c>, but Debian builds it with
/// sigstore disabled: "Debian-local change: sigstore disabled"; cosign is not packaged.)
/// </summary>
public sealed class SignatureRegistryTests(SignatureRegistryTests.Registry fixture) : IClassFixture<SignatureRegistryTests.Registry>, IDisposable
{
    private readonly SigningKey _release = SigningKey.Generate();
    private readonly SigningKey _dev = SigningKey.Generate();
    private readonly SigningTempDirectory _dir = new();

    private SignatureRequirement Prod => new("prod", [new TrustedKey("release-key", _release.PublicKey)]);

    [Fact]
    public async Task A_signature_Slipway_pushed_is_copied_out_by_skopeo_verified_by_openssl_and_read_back_by_Slipway()
    {
        var image = await PushImageAsync("web", "v1");
        var pushed = await SignAndPushAsync(image, _release);

        var copied = await SkopeoCopySignatureImageAsync(image);
        Assert.Equal(pushed, Digest.Sha256(copied.Manifest));
        var layer = Assert.Single(SignatureManifest.Parse(copied.Manifest).Layers);
        Assert.Equal(ImageSignature.PayloadMediaType, layer.MediaType);
        Assert.Equal("Verified OK", (await OpensslVerifyAsync(_release.PublicKey, copied.Blob(layer.Digest), layer.Base64Signature!)).Output);
        Assert.Contains($"\"docker-reference\":\"{fixture.Server.Host}/web\"", Encoding.UTF8.GetString(copied.Blob(layer.Digest)), StringComparison.Ordinal);

        var verification = SignatureVerifier.Verify(image, await ReadSignaturesAsync(image), Prod);
        Assert.True(verification.IsVerified, verification.Message);
        Assert.Equal($"{fixture.Server.Host}/web", verification.Payload!.DockerReference);
    }

    [Fact]
    public async Task A_wrong_key_and_an_unsigned_image_are_refused()
    {
        var signed = await PushImageAsync("api", "v1");
        await SignAndPushAsync(signed, _dev);
        var unsigned = await PushImageAsync("api", "v2");

        var copied = await SkopeoCopySignatureImageAsync(signed);
        var layer = Assert.Single(SignatureManifest.Parse(copied.Manifest).Layers);
        Assert.Contains("Verification failure", (await OpensslVerifyAsync(_release.PublicKey, copied.Blob(layer.Digest), layer.Base64Signature!)).Output, StringComparison.Ordinal);
        var wrongKey = SignatureVerifier.Verify(signed, await ReadSignaturesAsync(signed), Prod);
        Assert.Equal(SignatureRefusal.UntrustedKey, wrongKey.Refusal);
        Assert.StartsWith("signed, but by none of the trusted keys (prod requires: release-key;", wrongKey.Message, StringComparison.Ordinal);

        Assert.Null(await fixture.Server.GetManifestAsync("api", SignatureManifest.TagFor(unsigned.Digest!)));
        var refused = SignatureVerifier.Verify(unsigned, await ReadSignaturesAsync(unsigned), Prod);
        Assert.Equal($"unsigned: no signature for {unsigned.Digest} in {fixture.Server.Host}/api", refused.Message);
    }

    [Fact]
    public async Task Signing_again_keeps_earlier_signatures_in_the_registry_and_the_same_key_adds_none()
    {
        var image = await PushImageAsync("worker", "v1");
        var first = await SignAndPushAsync(image, _release);
        var second = await SignAndPushAsync(image, _dev);
        var again = await SignAndPushAsync(image, _release);

        Assert.NotEqual(first, second);
        Assert.Equal(second, again);
        var copied = await SkopeoCopySignatureImageAsync(image);
        var stored = SignatureManifest.Parse(copied.Manifest);
        Assert.Equal([_release.KeyId, _dev.KeyId], stored.Layers.Select(l => l.KeyId));
        Assert.Equal("Verified OK", (await OpensslVerifyAsync(_release.PublicKey, copied.Blob(stored.Layers[0].Digest), stored.Layers[0].Base64Signature!)).Output);
        Assert.Equal("Verified OK", (await OpensslVerifyAsync(_dev.PublicKey, copied.Blob(stored.Layers[1].Digest), stored.Layers[1].Base64Signature!)).Output);

        var signatures = await ReadSignaturesAsync(image);
        Assert.Equal("release-key", SignatureVerifier.Verify(image, signatures, Prod).Key!.Name);
        Assert.Equal("dev-key", SignatureVerifier.Verify(image, signatures, new SignatureRequirement("dev", [new TrustedKey("dev-key", _dev.PublicKey)])).Key!.Name);
    }

    [Fact]
    public async Task A_payload_tampered_with_in_the_registry_is_refused_by_openssl_and_by_Slipway()
    {
        var image = await PushImageAsync("billing", "v1");
        var other = await PushImageAsync("billing", "v2");
        var signature = ImageSignature.Sign(image, _release);

        // The attacker rewrites the payload to name v2, keeps the signature, and stores it as v2's signature.
        var forged = signature with { Payload = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(signature.Payload).Replace(image.Digest!.Hex, other.Digest!.Hex, StringComparison.Ordinal)) };
        var change = SignatureManifest.Empty.Add(forged, _release.PublicKey);
        foreach (var blob in change.BlobsToPush)
        {
            await fixture.Server.PushBlobAsync("billing", blob.Content);
        }

        await fixture.Server.PutManifestAsync("billing", SignatureManifest.TagFor(other.Digest), change.Manifest.MediaType, change.Manifest.Bytes);

        var copied = await SkopeoCopySignatureImageAsync(other);
        var layer = Assert.Single(SignatureManifest.Parse(copied.Manifest).Layers);
        Assert.Contains("Verification failure", (await OpensslVerifyAsync(_release.PublicKey, copied.Blob(layer.Digest), layer.Base64Signature!)).Output, StringComparison.Ordinal);
        var verification = SignatureVerifier.Verify(other, await ReadSignaturesAsync(other), Prod);
        Assert.Equal(SignatureRefusal.Tampered, verification.Refusal);
        Assert.StartsWith("the signature does not match its payload (tampered)", verification.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _release.Dispose();
        _dev.Dispose();
        _dir.Dispose();
    }

    /// <summary>Signs and stores the signature as the lead's wiring will: read the .sig manifest, add, push blobs, put it.</summary>
    private async Task<Digest> SignAndPushAsync(ImageReference image, SigningKey key)
    {
        var tag = SignatureManifest.TagFor(image.Digest!);
        var existing = await fixture.Server.GetManifestAsync(image.Repository, tag);
        var manifest = existing is null ? SignatureManifest.Empty : SignatureManifest.Parse(existing);
        var change = manifest.Add(ImageSignature.Sign(image, key), key.PublicKey);
        if (!change.Added)
        {
            return manifest.Digest;
        }

        foreach (var blob in change.BlobsToPush)
        {
            await fixture.Server.PushBlobAsync(image.Repository, blob.Content);
        }

        var digest = await fixture.Server.PutManifestAsync(image.Repository, tag, change.Manifest.MediaType, change.Manifest.Bytes);
        Assert.Equal(change.Manifest.Digest, digest);
        return digest;
    }

    /// <summary>Reads the signatures of an image as the lead's wiring will: the .sig manifest (none: unsigned), then each payload.</summary>
    private async Task<IReadOnlyList<ImageSignature>> ReadSignaturesAsync(ImageReference image)
    {
        var bytes = await fixture.Server.GetManifestAsync(image.Repository, SignatureManifest.TagFor(image.Digest!));
        if (bytes is null)
        {
            return [];
        }

        var signatures = new List<ImageSignature>();
        foreach (var layer in SignatureManifest.Parse(bytes).Layers.Where(l => l.IsSignature))
        {
            signatures.Add(layer.ToSignature(await fixture.Server.GetBlobAsync(image.Repository, layer.Digest)));
        }

        return signatures;
    }

    /// <summary>
    /// Copies the signature image of <paramref name="image"/> out of the registry with skopeo, by its tag, into a
    /// <c>dir:</c> folder: skopeo checks every blob against its digest and size on the way.
    /// </summary>
    private async Task<CopiedImage> SkopeoCopySignatureImageAsync(ImageReference image)
    {
        var target = _dir.Combine($"copy-{Guid.NewGuid():N}");
        var copy = await ExternalTool.RunAsync(
            "skopeo",
            ["--insecure-policy", "copy", "--src-tls-verify=false", $"docker://{image.Name}:{SignatureManifest.TagFor(image.Digest!)}", $"dir:{target}"]);
        Assert.True(copy.ExitCode == 0, copy.ToString());
        return new CopiedImage(target);
    }

    private async Task<ExternalTool.Result> OpensslVerifyAsync(VerificationKey key, byte[] payload, string base64Signature)
    {
        var run = Guid.NewGuid().ToString("N");
        _dir.Write($"{run}.pub", key.Pem);
        _dir.Write($"{run}.payload", payload);
        _dir.Write($"{run}.sig", Convert.FromBase64String(base64Signature));
        return await ExternalTool.RunAsync("openssl", ["dgst", "-sha256", "-verify", $"{run}.pub", "-signature", $"{run}.sig", $"{run}.payload"], _dir.Path);
    }

    /// <summary>What <c>skopeo copy … dir:</c> wrote: <c>manifest.json</c> and one file per blob, named by its hex digest.</summary>
    private sealed record CopiedImage(string Path)
    {
        public byte[] Manifest => File.ReadAllBytes(System.IO.Path.Combine(Path, "manifest.json"));

        public byte[] Blob(Digest digest) => File.ReadAllBytes(System.IO.Path.Combine(Path, digest.Hex));
    }

    /// <summary>A small real image (one gzip'd tar layer with one file, an OCI config) pushed by digest and tagged.</summary>
    private async Task<ImageReference> PushImageAsync(string repository, string tag)
    {
        var tar = new MemoryStream();
        await using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, "hello.txt")
            {
                DataStream = new MemoryStream(Encoding.UTF8.GetBytes($"{repository} {tag}\n")),
                ModificationTime = DateTimeOffset.UnixEpoch,
            };
            await writer.WriteEntryAsync(entry);
        }

        var gzipped = new MemoryStream();
        await using (var gzip = new GZipStream(gzipped, CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(tar.ToArray());
        }

        var layer = gzipped.ToArray();
        var config = Encoding.UTF8.GetBytes($$$"""{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":["{{{Digest.Sha256(tar.ToArray())}}}"]}}""");
        var manifest = Encoding.UTF8.GetBytes($$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":{{config.Length}},"digest":"{{Digest.Sha256(config)}}"},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","size":{{layer.Length}},"digest":"{{Digest.Sha256(layer)}}"}]}""");
        await fixture.Server.PushBlobAsync(repository, config);
        await fixture.Server.PushBlobAsync(repository, layer);
        var digest = await fixture.Server.PutManifestAsync(repository, tag, "application/vnd.oci.image.manifest.v1+json", manifest);
        return ImageReference.Parse($"{fixture.Server.Host}/{repository}:{tag}").WithDigest(digest);
    }

    /// <summary>One registry for the class: the tests use different repositories.</summary>
    public sealed class Registry : IAsyncLifetime
    {
        private SignatureTestRegistry? _server;

        internal SignatureTestRegistry Server => _server ?? throw new InvalidOperationException("the registry has not started");

        public async Task InitializeAsync() => _server = await SignatureTestRegistry.StartAsync();

        public async Task DisposeAsync()
        {
            if (_server is not null)
            {
                await _server.DisposeAsync();
            }
        }
    }
}
