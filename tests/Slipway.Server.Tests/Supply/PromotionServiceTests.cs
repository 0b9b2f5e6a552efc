using Slipway.Oci.Promotion;
using Slipway.Server.Supply;
using Slipway.Server.Tests.Supply.Support;

namespace Slipway.Server.Tests.Supply;

/// <summary>
/// <c>POST /api/v1/images/promote</c> between two real registries, through a real server over HTTP: the digest is kept,
/// the promotion is recorded with who and when and listed, the destination image is recorded, and a tag that moves
/// says what it named before.
/// </summary>
public sealed class PromotionServiceTests
{
    [Fact]
    public async Task A_promotion_between_two_registries_keeps_the_digest_and_is_listed_with_who_and_when()
    {
        await using var dev = await Registry.StartAsync();
        await using var prod = await Registry.StartAsync();
        await using var server = await SupplyServer.StartAsync(null, dev, prod);
        var v1 = DebianImage.Create("v1");
        await v1.PushAsync(server.Registry, dev.Reference("web:v1"));
        var before = DateTimeOffset.UtcNow;

        var first = await server.CallAsync<PromotionView>(HttpMethod.Post, "/api/v1/images/promote",
            new PromoteRequest($"{dev.Address}/web:v1", $"{prod.Address}/web", Tags: ["stable"], Actor: "ana@laptop"));

        Assert.Equal((v1.Digest.ToString(), v1.Digest.ToString()), (first.SourceDigest, first.DestinationDigest));
        Assert.Equal($"{prod.Address}/web:v1@{v1.Digest}", first.Destination);
        Assert.Equal(v1.Digest, (await server.Registry.HeadManifestAsync(prod.Reference("web:stable"), CancellationToken.None))!.Digest);
        Assert.Equal(v1.Digest, (await server.Registry.HeadManifestAsync(prod.Reference("web:v1"), CancellationToken.None))!.Digest);
        var details = first.Details!;
        Assert.All(details.Blobs, b => Assert.Equal(BlobCopyOutcome.Uploaded, b.Outcome));
        Assert.Equal(v1.Blobs.Sum(b => (long)b.Length), details.BlobBytesSent);
        Assert.All(details.Tags, t => Assert.Null(t.Previous));
        Assert.Null(details.Verdict);

        var listed = Assert.Single(await server.CallAsync<List<PromotionView>>(HttpMethod.Get, $"/api/v1/images/promotions?image={Uri.EscapeDataString($"{dev.Address}/web:v1")}"));
        Assert.Equal((first.Id, $"{dev.Address}/web:v1", "ana@laptop", (string?)null), (listed.Id, listed.Source, listed.Actor, listed.Environment));
        Assert.InRange(listed.PromotedAt, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        var recorded = Assert.Single(await server.CallAsync<List<ImageView>>(HttpMethod.Get, "/api/v1/images"));
        Assert.Equal(($"{prod.Address}/web", v1.Digest.ToString(), "promotion"), (recorded.Name, recorded.Digest, recorded.Origin));
        Assert.Equal(["stable", "v1"], recorded.Tags.Order());

        // The next build shares its base layer; promoting it moves stable, and the answer says from what.
        var v2 = Oci.Tests.Support.TestImage.WithLayers([v1.Layers[0], DebianImage.PackageLayer()], "v2");
        await v2.PushAsync(server.Registry, dev.Reference("web:v2"));

        var second = await server.CallAsync<PromotionView>(HttpMethod.Post, "/api/v1/images/promote",
            new PromoteRequest($"{dev.Address}/web:v2", $"{prod.Address}/web:stable", Actor: "ana@laptop"));

        var stable = Assert.Single(second.Details!.Tags);
        Assert.Equal(("stable", v1.Digest, v2.Digest), (stable.Tag, stable.Previous, stable.Digest));
        Assert.Contains(second.Details.Blobs, b => b.Digest == Oci.Digest.Sha256(v1.Layers[0]) && b.Outcome == BlobCopyOutcome.Skipped && b.BytesSent == 0);
        Assert.Equal(2, (await server.CallAsync<List<PromotionView>>(HttpMethod.Get, "/api/v1/images/promotions")).Count);
        Assert.Equal(second.Id, Assert.Single(await server.CallAsync<List<PromotionView>>(HttpMethod.Get, $"/api/v1/images/promotions?image={v2.Digest}")).Id);
    }

    [Fact]
    public async Task A_request_without_an_image_or_a_destination_is_refused_with_both_problems()
    {
        await using var server = await SupplyServer.StartAsync(null);

        var (status, body) = await server.SendAsync(HttpMethod.Post, "/api/v1/images/promote", new PromoteRequest(Tags: ["-bad"]));

        Assert.Equal(400, status);
        var error = body.GetProperty("error").GetString()!;
        Assert.Contains("image: expected the image to promote", error, StringComparison.Ordinal);
        Assert.Contains("to: expected where to promote it", error, StringComparison.Ordinal);
        Assert.Contains("tag '-bad'", error, StringComparison.Ordinal);
    }
}
