using System.Text;
using Slipway.Oci.Signing;

namespace Slipway.Oci.Tests.Signing;

public sealed class SignatureVerifierTests : IDisposable
{
    private static readonly ImageReference Image = ImageReference.Parse("localhost:17400/web").WithDigest(Digest.Sha256("web v1 manifest"u8));
    private static readonly ImageReference OtherImage = ImageReference.Parse("localhost:17400/web").WithDigest(Digest.Sha256("web v2 manifest"u8));

    private readonly SigningKey _release = SigningKey.Generate();
    private readonly SigningKey _dev = SigningKey.Generate();

    private SignatureRequirement Prod => new("prod", [new TrustedKey("release-key", _release.PublicKey)]);

    [Fact]
    public async Task A_signature_Slipway_made_verifies_with_openssl_over_the_stored_payload_and_with_Slipway()
    {
        var signature = ImageSignature.Sign(Image, _release, new Dictionary<string, string> { ["commit"] = "4f1c2e" });
        var stored = SignatureManifest.Empty.Add(signature, _release.PublicKey);
        var layer = Assert.Single(stored.Manifest.Layers);
        var payload = stored.BlobsToPush.Single(b => b.Digest == layer.Digest).Content;

        using var dir = new SigningTempDirectory();
        dir.Write("cosign.pub", _release.PublicKey.Pem);
        dir.Write("payload.json", payload);
        dir.Write("sig.der", Convert.FromBase64String(layer.Base64Signature!));
        var openssl = await ExternalTool.RunAsync("openssl", ["dgst", "-sha256", "-verify", "cosign.pub", "-signature", "sig.der", "payload.json"], dir.Path);
        Assert.True(openssl.ExitCode == 0, openssl.ToString());
        Assert.Equal("Verified OK", openssl.Output);

        var verification = SignatureVerifier.Verify(Image, [layer.ToSignature(payload)], Prod);
        Assert.True(verification.IsVerified, verification.Message);
        Assert.Equal("release-key", verification.Key!.Name);
        Assert.Equal("4f1c2e", verification.Payload!.Optional!["commit"]);
        Assert.Equal($"signed by release-key ({_release.KeyId[..12]}) as localhost:17400/web", verification.Message);
    }

    [Fact]
    public async Task A_tampered_payload_is_refused_by_openssl_and_by_Slipway()
    {
        var signature = ImageSignature.Sign(Image, _release);
        var tampered = signature with { Payload = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(signature.Payload).Replace(Image.Digest!.Hex, OtherImage.Digest!.Hex, StringComparison.Ordinal)) };

        using var dir = new SigningTempDirectory();
        dir.Write("cosign.pub", _release.PublicKey.Pem);
        dir.Write("payload.json", tampered.Payload);
        dir.Write("sig.der", tampered.DerSignature()!);
        var openssl = await ExternalTool.RunAsync("openssl", ["dgst", "-sha256", "-verify", "cosign.pub", "-signature", "sig.der", "payload.json"], dir.Path);
        Assert.NotEqual(0, openssl.ExitCode);
        Assert.Contains("Verification failure", openssl.Output, StringComparison.Ordinal);

        var verification = SignatureVerifier.Verify(OtherImage, [tampered], Prod);
        Assert.False(verification.IsVerified);
        Assert.Equal(SignatureRefusal.Tampered, verification.Refusal);
        Assert.StartsWith("the signature does not match its payload (tampered): it names release-key", verification.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_signature_by_a_key_prod_does_not_trust_is_refused_naming_the_keys_it_does()
    {
        var verification = SignatureVerifier.Verify(Image, [ImageSignature.Sign(Image, _dev)], Prod);

        Assert.Equal(SignatureRefusal.UntrustedKey, verification.Refusal);
        Assert.Equal($"signed, but by none of the trusted keys (prod requires: release-key; the signature names key {_dev.KeyId[..12]})", verification.Message);
    }

    [Fact]
    public void A_signature_of_another_digest_is_refused_naming_both_digests()
    {
        // A genuine signature of v1, copied to v2's .sig tag.
        var verification = SignatureVerifier.Verify(OtherImage, [ImageSignature.Sign(Image, _release)], Prod);

        Assert.Equal(SignatureRefusal.OtherImage, verification.Refusal);
        Assert.StartsWith($"the payload signs {Image.Digest}, not this image {OtherImage.Digest}", verification.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unsigned_image_is_refused_naming_its_digest_and_repository()
    {
        var verification = SignatureVerifier.Verify(Image, [], Prod);

        Assert.Equal(SignatureRefusal.Unsigned, verification.Refusal);
        Assert.Equal($"unsigned: no signature for {Image.Digest} in localhost:17400/web", verification.Message);
    }

    [Fact]
    public void A_signature_made_for_another_repository_is_refused_unless_that_repository_is_accepted()
    {
        var signedForDev = ImageSignature.Sign(ImageReference.Parse("localhost:17401/team/web").WithDigest(Image.Digest!), _release);

        var refused = SignatureVerifier.Verify(Image, [signedForDev], Prod);
        Assert.Equal(SignatureRefusal.OtherRepository, refused.Refusal);
        Assert.StartsWith($"the payload signs {Image.Digest} as localhost:17401/team/web, not as this repository (accepted: localhost:17400/web;", refused.Message, StringComparison.Ordinal);

        Assert.True(SignatureVerifier.Verify(Image, [signedForDev], Prod with { AcceptedRepositories = ["localhost:17401/team/web"] }).IsVerified);
        Assert.True(SignatureVerifier.Verify(Image, [signedForDev], Prod with { Identity = IdentityCheck.DigestOnly }).IsVerified);
    }

    [Fact]
    public void One_trusted_signature_among_others_is_enough_and_the_most_telling_refusal_is_reported()
    {
        var byDev = ImageSignature.Sign(Image, _dev);
        var byRelease = ImageSignature.Sign(Image, _release);
        var ofOtherImage = ImageSignature.Sign(OtherImage, _release);

        Assert.Equal("release-key", SignatureVerifier.Verify(Image, [byDev, ofOtherImage, byRelease], Prod).Key!.Name);
        Assert.Equal(SignatureRefusal.OtherImage, SignatureVerifier.Verify(Image, [byDev, ofOtherImage], Prod).Refusal);
        var trustsBoth = Prod with { TrustedKeys = [new TrustedKey("ci-key", _dev.PublicKey), new TrustedKey("release-key", _release.PublicKey)] };
        Assert.Equal("ci-key", SignatureVerifier.Verify(Image, [byDev], trustsBoth).Key!.Name);
    }

    [Fact]
    public void A_signature_cosign_made_verifies_with_its_public_key_and_not_with_another()
    {
        var image = ImageReference.Parse($"{CosignTestVector.Repository}@{CosignTestVector.ManifestDigest}");
        var signature = new ImageSignature(Encoding.UTF8.GetBytes(CosignTestVector.Payload), CosignTestVector.Base64Signature);

        var verified = SignatureVerifier.Verify(image, [signature], new SignatureRequirement("prod", [new TrustedKey("cosign-fixture", VerificationKey.FromPem(CosignTestVector.PublicKeyPem))]));
        Assert.True(verified.IsVerified, verified.Message);
        Assert.Equal(CosignTestVector.Repository, verified.Payload!.DockerReference);

        var other = SignatureVerifier.Verify(image, [signature], new SignatureRequirement("prod", [new TrustedKey("other", VerificationKey.FromPem(CosignTestVector.OtherPublicKeyPem))]));
        Assert.Equal("signed, but by none of the trusted keys (prod requires: other)", other.Message);

        var secondImage = ImageReference.Parse($"{CosignTestVector.SecondKey.Repository}@{CosignTestVector.SecondKey.ManifestDigest}");
        var secondSignature = new ImageSignature(Encoding.UTF8.GetBytes(CosignTestVector.SecondKey.Payload), CosignTestVector.SecondKey.Base64Signature);
        var both = new SignatureRequirement("prod", [
            new TrustedKey("cosign-fixture", VerificationKey.FromPem(CosignTestVector.PublicKeyPem)),
            new TrustedKey("cosign2-fixture", VerificationKey.FromPem(CosignTestVector.OtherPublicKeyPem)),
        ]);
        Assert.Equal("cosign2-fixture", SignatureVerifier.Verify(secondImage, [secondSignature], both).Key!.Name);
        Assert.Equal(SignatureRefusal.OtherImage, SignatureVerifier.Verify(image, [secondSignature], both).Refusal);
    }

    [Fact]
    public void A_signature_that_is_not_base64_or_not_an_image_payload_is_refused_as_malformed()
    {
        var notBase64 = SignatureVerifier.Verify(Image, [new ImageSignature(SimpleSigningPayload.For(Image).ToBytes(), "not base64!")], Prod);
        Assert.Equal(SignatureRefusal.Malformed, notBase64.Refusal);
        Assert.Contains("annotation is not base64", notBase64.Message, StringComparison.Ordinal);

        var blob = "a signed blob, not an image payload"u8.ToArray();
        var blobSignature = SignatureVerifier.Verify(Image, [new ImageSignature(blob, Convert.ToBase64String(_release.Sign(blob)))], Prod);
        Assert.Equal(SignatureRefusal.Malformed, blobSignature.Refusal);
        Assert.Contains("is not a cosign image signature: the payload is not JSON", blobSignature.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_requirement_without_keys_accepts_nothing()
    {
        var verification = SignatureVerifier.Verify(Image, [ImageSignature.Sign(Image, _release)], new SignatureRequirement("prod", []));
        Assert.Equal(SignatureRefusal.NoTrustedKeys, verification.Refusal);
    }

    public void Dispose()
    {
        _release.Dispose();
        _dev.Dispose();
    }
}
