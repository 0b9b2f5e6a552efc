using System.Text.Json;
using Slipway.Server.Supply;
using Slipway.Server.Tests.Supply.Support;
using Slipway.Server.Tests.Support;

namespace Slipway.Server.Tests.Supply;

/// <summary>
/// The vulnerability gate on promotion, through a real server over HTTP, real registries and a fixture OSV database:
/// prod refuses high and above; an image whose libssl3 has a critical advisory is refused with the finding named and
/// nothing copied; an exception with an expiry lets it through, and from the expiry on it is refused again.
/// </summary>
public sealed class PromotionGateTests
{
    private const string ProdRefusesHigh = """
        apiVersion: slipway.dev/v1alpha1
        kind: ImagePolicy
        metadata:
          name: prod-vulnerabilities
        spec:
          environments: [prod]
          vulnerabilities:
            refuseAt: high
        """;

    [Fact]
    public async Task A_critical_advisory_blocks_promotion_to_prod_until_an_exception_lets_it_through_until_its_expiry()
    {
        using var files = new TemporaryDirectory();
        await using var dev = await Registry.StartAsync();
        await using var prod = await Registry.StartAsync();
        await using var server = await SupplyServer.StartAsync(Advisories.Write(files), dev, prod);
        await server.ApplyAsync(ProdRefusesHigh);
        var image = DebianImage.Create();
        await image.PushAsync(server.Registry, dev.Reference("web:v1"));
        var promote = new PromoteRequest($"{dev.Address}/web:v1", $"{prod.Address}/web", "prod", ["stable"], "ana@laptop");

        var scan = await server.CallAsync<ScanView>(HttpMethod.Post, "/api/v1/images/scan", new ImageRequest($"{dev.Address}/web:v1", "prod"));

        Assert.Equal([Advisories.Openssl, "DEBIAN-CVE-2026-9004"], scan.Findings.Select(f => f.Advisory));
        Assert.Equal(("critical", 9.8, "3.0.13-1~deb12u1", "openssl"), (scan.Findings[0].Severity, scan.Findings[0].Score, scan.Findings[0].FixedIn, scan.Findings[0].SourcePackage));
        Assert.Equal(("unknown", (string?)null), (scan.Findings[1].Severity, scan.Findings[1].FixedIn));
        Assert.Equal(2, scan.Advisories.Count);
        Assert.False(scan.Verdict!.Allowed);

        var (refusedStatus, refused) = await server.SendAsync(HttpMethod.Post, "/api/v1/images/promote", promote);

        Assert.Equal(409, refusedStatus);
        var error = refused.GetProperty("error").GetString()!;
        Assert.Contains("refused: 1 vulnerability at or above high", error, StringComparison.Ordinal);
        Assert.Contains($"libssl3 {DebianImage.LibsslVersion} (source openssl): DSA-9001-1 critical (9.8), fixed in 3.0.13-1~deb12u1", error, StringComparison.Ordinal);
        var verdict = refused.GetProperty("verdict").Deserialize<GateVerdict>(Core.Serialization.SlipwayJson.Options)!;
        Assert.False(verdict.Allowed);
        Assert.Equal(["prod-vulnerabilities"], verdict.Policies);
        Assert.Equal(("high", 1), (verdict.Vulnerabilities!.RefuseAt, verdict.Vulnerabilities.Below));
        Assert.Equal(Advisories.Openssl, Assert.Single(verdict.Vulnerabilities.Refused).Finding.Advisory);
        Assert.Equal(new RequirementCheck("vulnerabilities", "prod-vulnerabilities", "refuse at high", true, false), Assert.Single(verdict.Requirements));
        // Nothing copied: prod has neither the image nor its tag.
        Assert.Null(await server.Registry.HeadManifestAsync(prod.Reference("web").WithDigest(image.Digest), CancellationToken.None));
        Assert.Null(await server.Registry.HeadManifestAsync(prod.Reference("web:stable"), CancellationToken.None));
        Assert.Empty(await server.CallAsync<List<PromotionView>>(HttpMethod.Get, "/api/v1/images/promotions"));

        var exception = await server.CallAsync<VulnerabilityExceptionView>(HttpMethod.Post, "/api/v1/vulnerability-exceptions",
            new VulnerabilityExceptionRequest(Advisories.OpensslCve, "TLS terminates at the router", "2h", "openssl", "prod", "ana@laptop"));
        Assert.InRange(exception.ExpiresAt, server.Clock.GetUtcNow().AddHours(2).AddSeconds(-1), server.Clock.GetUtcNow().AddHours(2));

        var promotion = await server.CallAsync<PromotionView>(HttpMethod.Post, "/api/v1/images/promote", promote);

        Assert.Equal(image.Digest.ToString(), promotion.DestinationDigest);
        Assert.Equal(image.Digest, (await server.Registry.HeadManifestAsync(prod.Reference("web:stable"), CancellationToken.None))!.Digest);
        var passed = promotion.Details!.Verdict!;
        Assert.True(passed.Allowed);
        Assert.Equal([exception.Id], passed.ExceptionsUsed);
        Assert.Equal("TLS terminates at the router", Assert.Single(passed.Vulnerabilities!.Excepted).Exception.Reason);
        // The SBOM the gate read went with the image.
        Assert.Contains(promotion.Details.Attachments, a => a.Tag == Oci.Sbom.SbomAttachment.Tag(image.Digest));

        server.Clock.Advance(TimeSpan.FromHours(2));
        var (expiredStatus, expired) = await server.SendAsync(HttpMethod.Post, "/api/v1/images/promote", promote with { To = $"{prod.Address}/web-again" });

        Assert.Equal(409, expiredStatus);
        Assert.Contains("the exception \"TLS terminates at the router\" expired at", expired.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Null(await server.Registry.HeadManifestAsync(prod.Reference("web-again").WithDigest(image.Digest), CancellationToken.None));
        Assert.True(Assert.Single(await server.CallAsync<List<VulnerabilityExceptionView>>(HttpMethod.Get, "/api/v1/vulnerability-exceptions")).Expired);
    }

    [Fact]
    public async Task Without_an_advisory_database_a_gated_promotion_is_refused_and_says_how_to_give_one()
    {
        await using var dev = await Registry.StartAsync();
        await using var server = await SupplyServer.StartAsync(null, dev);
        await server.ApplyAsync(ProdRefusesHigh);
        await DebianImage.Create().PushAsync(server.Registry, dev.Reference("web:v1"));

        var (status, body) = await server.SendAsync(HttpMethod.Post, "/api/v1/images/promote", new PromoteRequest($"{dev.Address}/web:v1", $"{dev.Address}/prod/web", "prod"));

        Assert.Equal(503, status);
        Assert.Contains("start it with --advisories PATH", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Null(await server.Registry.HeadManifestAsync(dev.Reference("prod/web:v1"), CancellationToken.None));
    }

    [Fact]
    public async Task An_exception_without_a_reason_or_an_expiry_is_refused_with_every_problem()
    {
        await using var server = await SupplyServer.StartAsync(null);

        var (status, body) = await server.SendAsync(HttpMethod.Post, "/api/v1/vulnerability-exceptions", new VulnerabilityExceptionRequest(Advisories.OpensslCve));
        var (pastStatus, past) = await server.SendAsync(HttpMethod.Post, "/api/v1/vulnerability-exceptions", new VulnerabilityExceptionRequest(Advisories.OpensslCve, "why", "2001-01-01"));

        Assert.Equal(400, status);
        Assert.Equal(
            $"the exception for {Advisories.OpensslCve} needs a reason: why this vulnerability is acceptable for now; the exception for {Advisories.OpensslCve} needs an expiry: the date after which it no longer applies",
            body.GetProperty("error").GetString());
        Assert.Equal(400, pastStatus);
        Assert.Contains("expires 2001-01-01 is already past", past.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Empty(await server.CallAsync<List<VulnerabilityExceptionView>>(HttpMethod.Get, "/api/v1/vulnerability-exceptions"));
    }
}
