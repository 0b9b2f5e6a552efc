using System.Text;
using Slipway.Oci.Signing;

namespace Slipway.Oci.Tests.Signing;

public sealed class SignatureManifestTests
{
    private static readonly ImageReference Image = ImageReference.Parse("localhost:17400/web").WithDigest(Digest.Sha256("an image manifest"u8));

    [Fact]
    public void The_signature_tag_is_the_digest_with_a_dash_and_sig()
    {
        Assert.Equal($"sha256-{Image.Digest!.Hex}.sig", SignatureManifest.TagFor(Image.Digest));
    }

    [Fact]
    public void One_signature_makes_the_manifest_and_config_cosign_makes()
    {
        using var key = SigningKey.Generate();
        var signature = new ImageSignature(SimpleSigningPayload.For(Image).ToBytes(), Convert.ToBase64String(key.Sign(SimpleSigningPayload.For(Image).ToBytes())));

        var change = SignatureManifest.Empty.Add(signature, key.PublicKey);

        Assert.True(change.Added);
        var payloadDigest = Digest.Sha256(signature.Payload);
        // As go-containerregistry marshals the config of empty.Image after mutate.Append (cosign's shape, seen in its
        // debug logs and in every .sig image cosign pushes without --record-creation-timestamp).
        var config = $$$"""{"architecture":"","created":"0001-01-01T00:00:00Z","history":[{"created":"0001-01-01T00:00:00Z"}],"os":"","rootfs":{"type":"layers","diff_ids":["{{{payloadDigest}}}"]},"config":{}}""";
        Assert.Equal(config, Encoding.UTF8.GetString(change.Manifest.Config.Content));
        var manifest = $$$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":{{{config.Length}}},"digest":"{{{Digest.Sha256(Encoding.UTF8.GetBytes(config))}}}"},"layers":[{"mediaType":"application/vnd.dev.cosign.simplesigning.v1+json","size":{{{signature.Payload.Length}}},"digest":"{{{payloadDigest}}}","annotations":{"dev.cosignproject.cosign/signature":"{{{signature.Base64Signature}}}"}}]}""";
        Assert.Equal(manifest, Encoding.UTF8.GetString(change.Manifest.Bytes));
        Assert.Equal(Digest.Sha256(change.Manifest.Bytes), change.Manifest.Digest);

        Assert.Equal([change.Manifest.Config.Digest, payloadDigest], change.BlobsToPush.Select(b => b.Digest));
        Assert.Equal(signature.Payload, change.BlobsToPush[1].Content);
        Assert.Equal(ImageSignature.PayloadMediaType, change.BlobsToPush[1].MediaType);
    }

    [Fact]
    public void Signing_again_appends_a_layer_and_keeps_the_earlier_signatures()
    {
        using var release = SigningKey.Generate();
        using var ci = SigningKey.Generate();
        var first = SignatureManifest.Empty.Add(ImageSignature.Sign(Image, release), release.PublicKey).Manifest;

        var read = SignatureManifest.Parse(first.Bytes);
        var second = read.Add(ImageSignature.Sign(Image, ci), ci.PublicKey);

        Assert.True(second.Added);
        Assert.Equal(2, second.Manifest.Layers.Count);
        Assert.Equal(first.Layers[0], second.Manifest.Layers[0], LayerComparer.Instance);
        Assert.Equal([release.KeyId, ci.KeyId], second.Manifest.Layers.Select(l => l.KeyId));
        var config = Encoding.UTF8.GetString(second.Manifest.Config.Content);
        Assert.Contains($"\"diff_ids\":[\"{second.Manifest.Layers[0].Digest}\",\"{second.Manifest.Layers[1].Digest}\"]", config, StringComparison.Ordinal);
        Assert.Contains("\"history\":[{\"created\":\"0001-01-01T00:00:00Z\"},{\"created\":\"0001-01-01T00:00:00Z\"}]", config, StringComparison.Ordinal);
    }

    [Fact]
    public void Signing_the_same_payload_with_the_same_key_again_changes_nothing()
    {
        using var key = SigningKey.Generate();
        var once = SignatureManifest.Empty.Add(ImageSignature.Sign(Image, key), key.PublicKey).Manifest;

        // ECDSA signatures differ each time; the duplicate is found by verifying the stored one, as cosign does.
        var again = SignatureManifest.Parse(once.Bytes).Add(ImageSignature.Sign(Image, key), key.PublicKey);

        Assert.False(again.Added);
        Assert.Empty(again.BlobsToPush);
        Assert.Equal(once.Bytes, again.Manifest.Bytes);

        var annotated = SignatureManifest.Parse(once.Bytes).Add(ImageSignature.Sign(Image, key, new Dictionary<string, string> { ["env"] = "prod" }), key.PublicKey);
        Assert.True(annotated.Added);
    }

    [Fact]
    public void A_manifest_reads_back_into_its_signatures_given_the_payload_blobs()
    {
        using var key = SigningKey.Generate();
        var signature = ImageSignature.Sign(Image, key);
        var manifest = SignatureManifest.Parse(SignatureManifest.Empty.Add(signature, key.PublicKey).Manifest.Bytes);

        var layer = Assert.Single(manifest.Layers);
        Assert.True(layer.IsSignature);
        Assert.Equal(signature, layer.ToSignature(signature.Payload), SignatureComparer.Instance);

        var wrong = Assert.Throws<FormatException>(() => layer.ToSignature(Encoding.UTF8.GetBytes("other bytes")));
        Assert.Contains("the registry returned other content", wrong.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_manifest_cosign_wrote_with_Docker_media_types_is_extended_in_kind()
    {
        var payload = Encoding.UTF8.GetBytes(CosignTestVector.Payload);
        var docker = $$$"""{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":10,"digest":"{{{Digest.Sha256("config"u8)}}}"},"layers":[{"mediaType":"application/vnd.dev.cosign.simplesigning.v1+json","size":{{{payload.Length}}},"digest":"{{{Digest.Sha256(payload)}}}","annotations":{"dev.cosignproject.cosign/signature":"{{{CosignTestVector.Base64Signature}}}"}}]}""";
        using var key = SigningKey.Generate();

        var change = SignatureManifest.Parse(Encoding.UTF8.GetBytes(docker)).Add(ImageSignature.Sign(Image, key), key.PublicKey);

        Assert.Equal(SignatureManifest.DockerManifestMediaType, change.Manifest.MediaType);
        Assert.Equal(SignatureManifest.DockerConfigMediaType, change.Manifest.Config.MediaType);
        Assert.Equal(CosignTestVector.Base64Signature, change.Manifest.Layers[0].Base64Signature);
        Assert.Null(change.Manifest.Layers[0].KeyId);
    }

    [Theory]
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}""", "holds a 'application/vnd.oci.image.index.v1+json'")]
    [InlineData("""{"schemaVersion":1}""", "schemaVersion is not 2")]
    [InlineData("""{"schemaVersion":2,"config":{"mediaType":"x","size":1,"digest":"sha256:00"},"layers":[]}""", "config.digest is 'sha256:00'")]
    [InlineData("""{"schemaVersion":2,"config":{"mediaType":"x","size":1,"digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000"}}""", "no layers array")]
    [InlineData("not json", "not valid JSON")]
    public void What_is_not_a_signature_manifest_is_refused_saying_what(string json, string expected)
    {
        Assert.False(SignatureManifest.TryParse(Encoding.UTF8.GetBytes(json), out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    private sealed class LayerComparer : IEqualityComparer<SignatureLayer>
    {
        public static readonly LayerComparer Instance = new();

        public bool Equals(SignatureLayer? x, SignatureLayer? y) =>
            x!.Digest == y!.Digest && x.Size == y.Size && x.MediaType == y.MediaType && x.Annotations.OrderBy(p => p.Key).SequenceEqual(y.Annotations.OrderBy(p => p.Key));

        public int GetHashCode(SignatureLayer obj) => obj.Digest.GetHashCode();
    }

    private sealed class SignatureComparer : IEqualityComparer<ImageSignature>
    {
        public static readonly SignatureComparer Instance = new();

        public bool Equals(ImageSignature? x, ImageSignature? y) =>
            x!.Payload.AsSpan().SequenceEqual(y!.Payload) && x.Base64Signature == y.Base64Signature && x.KeyId == y.KeyId;

        public int GetHashCode(ImageSignature obj) => obj.Base64Signature.GetHashCode(StringComparison.Ordinal);
    }
}
