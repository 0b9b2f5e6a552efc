using System.Text.Json.Nodes;
using Slipway.Cli.Output;
using Slipway.Oci;
using Slipway.Oci.Promotion;
using Slipway.Server.Supply;

namespace Slipway.Cli.Tests.Output;

public sealed class PromotionOutputTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly Digest V1 = Digest.Sha256("v1"u8);
    private static readonly Digest V2 = Digest.Sha256("v2"u8);
    private static readonly Digest Config = Digest.Sha256("config"u8);
    private static readonly Digest Layer = Digest.Sha256("layer"u8);

    [Fact]
    public void A_promotion_shows_each_blob_the_bytes_sent_and_what_a_moved_tag_named_before()
    {
        var details = new PromotionDetails(
            [new BlobCopy(Config, "application/vnd.oci.image.config.v1+json", 361, BlobCopyOutcome.Uploaded, 361), new BlobCopy(Layer, "application/vnd.oci.image.layer.v1.tar+gzip", 4423834, BlobCopyOutcome.Skipped, 0)],
            [],
            [new AttachmentCopy($"sha256-{V2.Hex}.sbom", Digest.Sha256("sbom"u8), 400, null)],
            [new TagUpdate("v2", V2, 500, null), new TagUpdate("stable", V2, 500, V1)],
            361, 1400, Now, Now, null);
        var promotion = new PromotionView(7, "127.0.0.1:17336/web:v2", V2.ToString(), $"127.0.0.1:17377/web:v2@{V2}", V2.ToString(), "prod", "ana@laptop", Now, details);

        var text = Printer.Render(OutputFormat.Text, new PromotionOutput(new JsonObject(), promotion));

        Assert.Equal(
            $"""
            source      127.0.0.1:17336/web:v2  {V2}
            destination 127.0.0.1:17377/web:v2@{V2}
              config  {Config.ToString()[..19]}…  361 B      uploaded  361 B
              layer   {Layer.ToString()[..19]}…  4423834 B  skipped   0 B
              attachment sha256-{V2.Hex}.sbom (new)
              tag v2     (new) -> {V2.ToString()[..19]}…
              tag stable {V1.ToString()[..19]}… (moved) -> {V2.ToString()[..19]}…
            blob bytes sent: 361
            promotion 7 recorded: by ana@laptop at 2026-11-24 12:00:00Z, for prod

            """.ReplaceLineEndings("\n"),
            text);
        Assert.Equal("promotion/7\n", Printer.Render(OutputFormat.Name, new PromotionOutput(new JsonObject(), promotion)));
    }

    [Fact]
    public void Exceptions_past_their_expiry_are_marked_expired_and_every_environment_is_a_star()
    {
        VulnerabilityExceptionView[] exceptions =
        [
            new(1, "CVE-2026-9001", "openssl", null, "TLS terminates at the router", Now.AddDays(-1), true, "ana@laptop", Now.AddDays(-31)),
            new(2, "GHSA-aaaa-bbbb-0001", null, "prod", "no fix yet", Now.AddDays(6), false, "bo@ci", Now.AddDays(-1)),
        ];

        var text = Printer.Render(OutputFormat.Text, ExceptionsOutput.Create(new JsonArray(), exceptions));

        Assert.Equal(
            """
            ID   ADVISORY              PACKAGE   ENV    EXPIRES                          REASON                         BY
            1    CVE-2026-9001         openssl   *      2026-11-23 12:00:00Z (expired)   TLS terminates at the router   ana@laptop
            2    GHSA-aaaa-bbbb-0001   -         prod   2026-11-30 12:00:00Z             no fix yet                     bo@ci

            """.ReplaceLineEndings("\n"),
            text);
    }
}
