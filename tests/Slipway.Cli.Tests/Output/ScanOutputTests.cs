using System.Text.Json.Nodes;
using Slipway.Cli.Output;
using Slipway.Server.Supply;

namespace Slipway.Cli.Tests.Output;

public sealed class ScanOutputTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static readonly FindingView Libssl = new("libssl3", "3.0.11-1~deb12u2", "openssl", "pkg:deb/debian/libssl3@3.0.11-1~deb12u2", "DSA-9001-1", ["CVE-2026-9001"],
        "critical", 9.8, "3.0.13-1~deb12u1", "openssl - security update", "libssl3 3.0.11-1~deb12u2 (source openssl): DSA-9001-1 critical (9.8), fixed in 3.0.13-1~deb12u1");

    private static readonly FindingView Tar = new("tar", "1.34", null, "pkg:deb/debian/tar@1.34", "DEBIAN-CVE-2026-9004", [], "unknown", null, null, null, "tar 1.34: DEBIAN-CVE-2026-9004 unknown, no fixed version known");

    [Fact]
    public void Findings_most_severe_first_with_the_environments_verdict_in_words()
    {
        var verdict = new GateVerdict("prod", ["prod-vulnerabilities"], false, [], null, [], Now,
            "refused: 1 vulnerability at or above high (1 below high)\n  " + Libssl.Text);
        var scan = new ScanView("127.0.0.1:5000/web:v1@sha256:b392", "sha256:b392", 2, new AdvisoriesView("/var/lib/slipway/osv", 2, Now), [Libssl, Tar], [], verdict);

        var text = Printer.Render(OutputFormat.Text, new ScanOutput(new JsonObject(), scan));

        Assert.Equal(
            """
            127.0.0.1:5000/web:v1@sha256:b392: 2 findings (2 packages against 2 advisories from /var/lib/slipway/osv, read 2026-11-24 12:00:00Z)

            SEVERITY         PACKAGE                    VERSION            ADVISORY               FIXED IN
            critical (9.8)   libssl3 (source openssl)   3.0.11-1~deb12u2   DSA-9001-1             3.0.13-1~deb12u1
            unknown          tar                        1.34               DEBIAN-CVE-2026-9004   -

            prod (prod-vulnerabilities): refused: 1 vulnerability at or above high (1 below high)
              libssl3 3.0.11-1~deb12u2 (source openssl): DSA-9001-1 critical (9.8), fixed in 3.0.13-1~deb12u1

            """.ReplaceLineEndings("\n"),
            text);
        Assert.Equal("finding/DSA-9001-1/libssl3\nfinding/DEBIAN-CVE-2026-9004/tar\n", Printer.Render(OutputFormat.Name, new ScanOutput(new JsonObject(), scan)));
    }

    [Fact]
    public void Uses_marks_the_revisions_that_run_and_says_when_none_carries_the_package()
    {
        PackageUseView[] uses =
        [
            new("web", "prod", 4, "127.0.0.1:5000/web:v1", "sha256:b392b09011d2c4248e8cd4ced279d24f92d2dcb08a5b08c810d0c238db06a9e7", "Debian", "libssl3", "3.0.11-1~deb12u2", "pkg:deb/debian/libssl3@3.0.11-1~deb12u2", "stable"),
            new("web", "prod", 3, "127.0.0.1:5000/web:v0", "sha256:0000b09011d2c4248e8cd4ced279d24f92d2dcb08a5b08c810d0c238db06a9e7", "Debian", "libssl3", "3.0.11-1~deb12u2", "pkg:deb/debian/libssl3@3.0.11-1~deb12u2", null),
        ];

        var text = Printer.Render(OutputFormat.Text, ImagesOutput.Uses(new JsonArray(), uses, "libssl3"));

        Assert.Equal(
            """
            APP   ENV    REVISION   RUNNING   PACKAGE   VERSION            IMAGE
            web   prod   4          stable    libssl3   3.0.11-1~deb12u2   127.0.0.1:5000/web:v1@sha256:b392b09011d2…
            web   prod   3          -         libssl3   3.0.11-1~deb12u2   127.0.0.1:5000/web:v0@sha256:0000b09011d2…

            """.ReplaceLineEndings("\n"),
            text);
        Assert.StartsWith("No revision carries openssl@3.0.13", ImagesOutput.Uses(new JsonArray(), [], "openssl@3.0.13").EmptyMessage, StringComparison.Ordinal);
    }
}
