using Slipway.Core.Spec;
using Slipway.Store.Tests.Support;
using static Slipway.Store.Tests.Support.StoreSamples;

namespace Slipway.Store.Tests;

/// <summary>
/// Images in the store: recorded by digest with their tags' history, the packages their SBOMs list found from the
/// revisions that run them, promotions with who and when, keys never replaced, exceptions kept until deleted.
/// </summary>
public sealed class ImageTests : StoreTest
{
    private const string Old = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    private const string New = "sha256:2222222222222222222222222222222222222222222222222222222222222222";
    private static readonly DateTimeOffset At = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task An_image_keeps_every_tag_it_was_seen_with_and_its_packages_are_replaced_whole()
    {
        await Store.SaveImageAsync(Image(Old, "abc1234", "main"), [Package("openssl", "3.0.11-1~deb12u1"), Package("zlib1g", "1:1.2.13")], Ct);
        await Store.SaveImageAsync(Image(Old, "v1.2.0"), [Package("openssl", "3.0.15-1~deb12u1")], Ct);

        var image = Assert.Single(await Store.ListImagesAsync(Old, Ct));
        Assert.Equal(["abc1234", "main", "v1.2.0"], image.Tags);
        Assert.Equal(["openssl 3.0.15-1~deb12u1"], (await Store.ListImagePackagesAsync(Old, Ct)).Select(p => $"{p.Name} {p.Version}"));
    }

    [Fact]
    public async Task The_uses_of_a_package_are_the_revisions_whose_image_carries_it()
    {
        await Store.SaveImageAsync(Image(Old), [Package("openssl", "3.0.11-1~deb12u1")], Ct);
        await Store.SaveImageAsync(Image(New), [Package("openssl", "3.0.15-1~deb12u1")], Ct);
        await Store.SaveAppAsync(App(env: "staging"), Revision(1, env: "staging", template: ImageTemplate(Old)), MidCanary(), [], Ct);
        await Store.SaveAppAsync(App(env: "staging", desiredRevision: 2), Revision(2, env: "staging", template: ImageTemplate(New)), MidCanary(), [], Ct);
        await Store.SaveAppAsync(App(env: "prod"), Revision(1, env: "prod", template: ImageTemplate(Old)), MidCanary(), [], Ct);

        var all = await Store.FindPackageUsesAsync("openssl", null, Ct);
        Assert.Equal(["web/prod r1 3.0.11-1~deb12u1", "web/staging r1 3.0.11-1~deb12u1", "web/staging r2 3.0.15-1~deb12u1"],
            all.Select(u => $"{u.App}/{u.Environment} r{u.Revision} {u.Package.Version}"));
        Assert.Equal(["web/staging r2"], (await Store.FindPackageUsesAsync("openssl", "3.0.15-1~deb12u1", Ct)).Select(u => $"{u.App}/{u.Environment} r{u.Revision}"));
        Assert.Empty(await Store.FindPackageUsesAsync("zlib1g", null, Ct));
    }

    [Fact]
    public async Task Promotions_keys_and_exceptions_are_kept_with_who_and_when()
    {
        var promotion = await Store.SavePromotionAsync(new PromotionRecord(0, "localhost:5000/web:1", Old, "localhost:5001/web", Old, "prod", "ana@laptop", At, "{}"), Ct);
        Assert.True(promotion.Id > 0);
        Assert.Equal(("localhost:5001/web", "ana@laptop"), (Assert.Single(await Store.ListPromotionsAsync(Old, 10, Ct)).Destination, promotion.Actor));
        Assert.Empty(await Store.ListPromotionsAsync(New, 10, Ct));

        var key = new SigningKeyRecord("release", "-----BEGIN PUBLIC KEY-----", "kid", [1, 2, 3], "master-1", At, "ana@laptop");
        Assert.True(await Store.AddSigningKeyAsync(key, Ct));
        Assert.False(await Store.AddSigningKeyAsync(key with { PublicKeyPem = "another" }, Ct));
        Assert.Equal("-----BEGIN PUBLIC KEY-----", Assert.Single(await Store.ListSigningKeysAsync(Ct)).PublicKeyPem);
        Assert.True(await Store.DeleteSigningKeyAsync("release", Ct));
        Assert.Empty(await Store.ListSigningKeysAsync(Ct));

        var exception = await Store.AddVulnerabilityExceptionAsync(new VulnerabilityExceptionRecord(0, "prod", "CVE-2024-0001", null, "not reachable", At.AddDays(7), At, "ana@laptop"), Ct);
        Assert.Equal(("CVE-2024-0001", At.AddDays(7)), (Assert.Single(await Store.ListVulnerabilityExceptionsAsync(Ct)).Advisory, exception.ExpiresAt));
        Assert.True(await Store.DeleteVulnerabilityExceptionAsync(exception.Id, Ct));
    }

    [Fact]
    public async Task Signing_keys_are_re_encrypted_by_name_and_public_keys_are_left_alone()
    {
        await Store.AddSigningKeyAsync(new SigningKeyRecord("release", "pem-1", "kid-1", [1, 2, 3], "master-1", At, "ana@laptop"), Ct);
        await Store.AddSigningKeyAsync(new SigningKeyRecord("ci", "pem-2", "kid-2", null, null, At, "ana@laptop"), Ct);

        var replaced = await Store.ReencryptSigningKeysAsync(
            [new SigningKeyRecord("release", "ignored", "ignored", [4, 5], "master-2", At, "x"), new SigningKeyRecord("ci", "pem-2", "kid-2", [9], "master-2", At, "x")], Ct);

        Assert.Equal(1, replaced);
        var keys = await Store.ListSigningKeysAsync(Ct);
        Assert.Equal(("pem-1", "kid-1", "master-2"), (keys[1].PublicKeyPem, keys[1].KeyId, keys[1].MasterKeyId));
        Assert.Equal([4, 5], keys[1].PrivateKey!);
        Assert.Equal((null, null), (keys[0].PrivateKey, keys[0].MasterKeyId));
    }

    private static ImageRecord Image(string digest, params string[] tags) => new("localhost:5000/web", digest, tags, "build", At, "ana@laptop", "{}");

    private static ImagePackageRecord Package(string name, string version) => new("Debian", name, version, $"pkg:deb/debian/{name}@{version}");

    private static InstanceTemplate ImageTemplate(string digest) => Template() with { Artifact = ArtifactRef.ForImage("localhost:5000/web:1", digest) };
}
