using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Slipway.Oci;
using Slipway.Oci.Promotion;
using Slipway.Oci.Registry;
using Slipway.Oci.Signing;
using Slipway.Oci.Tests.Support;
using Slipway.Server.Api;
using Slipway.Store;

namespace Slipway.Server.Tests.Images;

/// <summary>
/// Signing and verifying through the API of a real server, against a real registry. What the server stores is checked
/// from outside: skopeo copies the signature image out of the registry, and openssl verifies the stored payload with
/// the public key the API exports. Unsigned, wrongly signed and tampered images are refused with their messages; an
/// image promoted by digest verifies with the signature made where it was built once the promotion is recorded.
/// </summary>
public sealed class ImageSignatureApiTests : IAsyncLifetime
{
    private readonly Oci.Tests.Support.TemporaryDirectory _dir = new("slipway-signature-test");
    private ImageServer _server = null!;

    private string Registry => _server.Registry.Address;

    public async Task InitializeAsync() => _server = await ImageServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_signature_made_through_the_API_verifies_with_openssl_over_the_stored_payload_and_with_Slipway()
    {
        var publicKey = await GenerateAsync("release-key");
        var image = await _server.PushImageAsync("web:v1");

        var signed = await SignAsync($"{Registry}/web:v1", "release-key");
        var again = await SignAsync($"{Registry}/web:v1", "release-key");
        var verified = await VerifyAsync($"{Registry}/web:v1");

        var tag = SignatureManifest.TagFor(image.Digest!);
        Assert.Equal($"{Registry}/web:v1@{image.Digest} signed by release-key ({publicKey.ShortKeyId})\nstored as {Registry}/web:{tag}", signed.Message);
        Assert.True(signed.Signed.Added);
        Assert.False(again.Signed.Added);
        Assert.StartsWith($"{Registry}/web:v1@{image.Digest} is signed by release-key ({publicKey.ShortKeyId}) already: nothing added", again.Message, StringComparison.Ordinal);

        // From outside: skopeo copies the signature image, openssl checks the signature over the payload blob.
        var copy = _dir.Combine("sig");
        await Tool.RunAsync("skopeo", "--insecure-policy", "copy", "--src-tls-verify=false", $"docker://{Registry}/web:{tag}", $"dir:{copy}");
        var layer = Assert.Single(SignatureManifest.Parse(await File.ReadAllBytesAsync(Path.Combine(copy, "manifest.json"))).Layers);
        await File.WriteAllTextAsync(_dir.Combine("release-key.pub"), publicKey.Pem);
        await File.WriteAllBytesAsync(_dir.Combine("sig.der"), Convert.FromBase64String(layer.Base64Signature!));
        var openssl = await Tool.RunAsync("openssl", "dgst", "-sha256", "-verify", _dir.Combine("release-key.pub"), "-signature", _dir.Combine("sig.der"), Path.Combine(copy, layer.Digest.Hex));
        Assert.Equal("Verified OK", openssl.Trim());
        Assert.Contains($"\"docker-reference\":\"{Registry}/web\"", await File.ReadAllTextAsync(Path.Combine(copy, layer.Digest.Hex)), StringComparison.Ordinal);

        Assert.True(verified.Verified, verified.Message);
        Assert.Equal(("release-key", publicKey.KeyId, $"{Registry}/web"), (verified.Key, verified.KeyId, verified.SignedAs));
        Assert.Equal($"{Registry}/web:v1@{image.Digest} verified: signed by release-key ({publicKey.ShortKeyId}) as {Registry}/web", verified.Message);

        // Who signed what is in the image's record.
        var store = await _server.OpenStoreAsync();
        var record = Assert.Single(await store.ListImagesAsync(image.Digest!.ToString(), CancellationToken.None));
        Assert.Equal(($"{Registry}/web", "signing"), (record.Name, record.Origin));
        Assert.Equal(["v1"], record.Tags);
        var signature = Assert.Single(JsonNode.Parse(record.Details)!["signatures"]!.AsArray())!;
        Assert.Equal(("release-key", publicKey.KeyId, "ana@laptop"), (signature["key"]!.GetValue<string>(), signature["keyId"]!.GetValue<string>(), signature["signedBy"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Unsigned_wrongly_signed_and_tampered_images_are_refused_with_their_messages()
    {
        var release = await GenerateAsync("release-key");
        var other = await GenerateAsync("other-key");
        var unsigned = await _server.PushImageAsync("api:v1");
        var wrongKey = await _server.PushImageAsync("api:v2");
        var tampered = await _server.PushImageAsync("api:v3");
        await SignAsync(wrongKey.ToString(), "other-key");
        await SignAsync(tampered.ToString(), "release-key");
        await TamperAsync(tampered, release);

        var unsignedAnswer = await VerifyAsync(unsigned.ToString(), "release-key");
        var wrongKeyAnswer = await VerifyAsync(wrongKey.ToString(), "release-key");
        var tamperedAnswer = await VerifyAsync(tampered.ToString(), "release-key");
        var unknownKey = await VerifyAsync(wrongKey.ToString(), "no-such-key");
        var byAnyKey = await VerifyAsync(wrongKey.ToString());

        Assert.Equal((false, "Unsigned"), (unsignedAnswer.Verified, unsignedAnswer.Refusal));
        Assert.Equal($"unsigned: no signature for {unsigned.Digest} in {Registry}/api", unsignedAnswer.Message);
        Assert.Equal((false, "UntrustedKey"), (wrongKeyAnswer.Verified, wrongKeyAnswer.Refusal));
        Assert.Equal($"signed, but by none of the trusted keys (the check requires: release-key; the signature names key {other.ShortKeyId})", wrongKeyAnswer.Message);
        Assert.Equal((false, "Tampered"), (tamperedAnswer.Verified, tamperedAnswer.Refusal));
        Assert.Equal($"the signature does not match its payload (tampered): it names release-key ({release.ShortKeyId}) as its signer, and that key's signature does not verify over the stored payload", tamperedAnswer.Message);
        Assert.Equal((false, "NoTrustedKeys"), (unknownKey.Verified, unknownKey.Refusal));
        Assert.Equal("the check requires signatures by no-such-key, but there is no signing key no-such-key on this server (it has other-key, release-key)", unknownKey.Message);
        Assert.True(byAnyKey.Verified, byAnyKey.Message);
        Assert.Equal("other-key", byAnyKey.Key);
    }

    [Fact]
    public async Task A_promoted_image_verifies_with_the_signature_made_where_it_was_built_once_its_promotions_are_recorded()
    {
        await GenerateAsync("release-key");
        var dev = await _server.PushImageAsync("dev/web:v1");
        await SignAsync(dev.ToString(), "release-key");
        using var client = _server.Client();
        await new ImagePromotion(client).PromoteAsync(dev, _server.Reference("prod/web:v1"), new PromotionOptions(), CancellationToken.None);
        await new ImagePromotion(client).PromoteAsync(_server.Reference("prod/web:v1"), _server.Reference("dr/web:v1"), new PromotionOptions(), CancellationToken.None);
        var prod = _server.Reference("prod/web").WithDigest(dev.Digest!);
        var dr = _server.Reference("dr/web").WithDigest(dev.Digest!);

        var unrecorded = await VerifyAsync(prod.ToString(), "release-key");
        var accepted = await VerifyAsync(prod.ToString(), ["release-key"], [$"{Registry}/dev/web"]);
        var store = await _server.OpenStoreAsync();
        await RecordPromotionAsync(store, $"{Registry}/dev/web:v1", $"{Registry}/prod/web:v1", dev.Digest!);
        await RecordPromotionAsync(store, $"{Registry}/prod/web:v1", $"{Registry}/dr/web:v1", dev.Digest!);
        var recordedProd = await VerifyAsync(prod.ToString(), "release-key");
        var recordedDr = await VerifyAsync(dr.ToString(), "release-key");

        Assert.Equal("OtherRepository", unrecorded.Refusal);
        Assert.StartsWith($"the payload signs {dev.Digest} as {Registry}/dev/web, not as this repository (accepted: {Registry}/prod/web; signed by release-key", unrecorded.Message, StringComparison.Ordinal);
        Assert.True(accepted.Verified, accepted.Message);
        Assert.True(recordedProd.Verified, recordedProd.Message);
        Assert.Equal($"{Registry}/dev/web", recordedProd.SignedAs);
        Assert.True(recordedDr.Verified, recordedDr.Message);
    }

    [Fact]
    public async Task Signing_needs_a_key_that_signs_and_an_image_that_is_there()
    {
        await GenerateAsync("release-key");
        await Tool.RunAsync("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", _dir.Combine("ci.key"));
        await Tool.RunAsync("openssl", "pkey", "-in", _dir.Combine("ci.key"), "-pubout", "-out", _dir.Combine("ci.pub"));
        await _server.OkAsync<SigningKeyAnswer>(HttpMethod.Post, "/api/v1/keys", new SigningKeyRequest("ci-key", await File.ReadAllTextAsync(_dir.Combine("ci.pub"))));
        await _server.PushImageAsync("web:v1");

        var (publicOnlyStatus, publicOnly) = await _server.SendAsync(HttpMethod.Post, "/api/v1/images/sign", new ImageSignRequest($"{Registry}/web:v1", "ci-key"));
        var (unknownStatus, unknown) = await _server.SendAsync(HttpMethod.Post, "/api/v1/images/sign", new ImageSignRequest($"{Registry}/web:v1", "nope"));
        var (missingStatus, missing) = await _server.SendAsync(HttpMethod.Post, "/api/v1/images/sign", new ImageSignRequest($"{Registry}/web:v9", "release-key"));
        var (badStatus, bad) = await _server.SendAsync(HttpMethod.Post, "/api/v1/images/verify", new ImageVerifyRequest("Web:v1"));

        Assert.Equal(HttpStatusCode.Conflict, publicOnlyStatus);
        Assert.Contains("key ci-key (", publicOnly, StringComparison.Ordinal);
        Assert.Contains("was imported as a public key: it verifies signatures but cannot make them", publicOnly, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknownStatus);
        Assert.Contains("there is no signing key nope on this server (it has ci-key, release-key)", unknown, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadGateway, missingStatus);
        Assert.Contains($"there is no manifest v9 in web", missing, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badStatus);
        Assert.Contains("image 'Web:v1'", bad, StringComparison.Ordinal);
    }

    private async Task<VerificationKey> GenerateAsync(string name)
    {
        var answer = await _server.OkAsync<SigningKeyAnswer>(HttpMethod.Post, "/api/v1/keys", new SigningKeyRequest(name, null, "ana@laptop"));
        return VerificationKey.FromPem(answer.Key.PublicKey);
    }

    private Task<ImageSignAnswer> SignAsync(string image, string key) =>
        _server.OkAsync<ImageSignAnswer>(HttpMethod.Post, "/api/v1/images/sign", new ImageSignRequest(image, key, null, "ana@laptop"));

    private Task<ImageVerifyAnswer> VerifyAsync(string image, params string[] keys) => VerifyAsync(image, keys, []);

    private Task<ImageVerifyAnswer> VerifyAsync(string image, IReadOnlyList<string> keys, IReadOnlyList<string> accepted) =>
        _server.OkAsync<ImageVerifyAnswer>(HttpMethod.Post, "/api/v1/images/verify", new ImageVerifyRequest(image, keys, accepted));

    /// <summary>
    /// Rewrites the stored payload (it now names another repository) and keeps the signature and its key id, as someone
    /// with push access to the registry but not the key could.
    /// </summary>
    private async Task TamperAsync(ImageReference image, VerificationKey signer)
    {
        using var client = _server.Client();
        var signatureImage = new ImageReference(image.Registry, image.Repository, SignatureManifest.TagFor(image.Digest!), null);
        var stored = SignatureManifest.Parse((await client.GetManifestAsync(signatureImage, CancellationToken.None)).Bytes.Span);
        var layer = Assert.Single(stored.Layers);
        var original = layer.ToSignature(await client.GetBlobAsync(signatureImage, layer.Digest, 1 << 20, CancellationToken.None));
        var forged = original with { Payload = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(original.Payload).Replace($"{image.Name}\"", $"{image.Name}-forged\"", StringComparison.Ordinal)) };
        Assert.NotEqual(original.Payload, forged.Payload);
        var change = SignatureManifest.Empty.Add(forged, signer);
        foreach (var blob in change.BlobsToPush)
        {
            await client.PushBlobAsync(signatureImage, blob.MediaType, blob.Content, CancellationToken.None);
        }

        await client.PutManifestAsync(signatureImage, Manifest.FromBytes(change.Manifest.Bytes, change.Manifest.MediaType), CancellationToken.None);
    }

    /// <summary>A promotion as the server records one (store.SavePromotionAsync), from and to references with tags.</summary>
    private static Task RecordPromotionAsync(SqliteStore store, string source, string destination, Digest digest) =>
        store.SavePromotionAsync(new PromotionRecord(0, source, digest.ToString(), destination, digest.ToString(), null, "ci", DateTimeOffset.UtcNow, "{}"), CancellationToken.None);
}
