using Slipway.Server.Tests.Support;

namespace Slipway.Server.Tests.Supply.Support;

/// <summary>
/// A fixture advisory database on disk, in OSV format: DSA-9001-1 (alias CVE-2026-9001), critical (CVSS 9.8), for
/// Debian 12's openssl before 3.0.13-1~deb12u1 — which <see cref="DebianImage"/>'s libssl3 is built from — and an
/// advisory of unknown severity for tar, which no threshold refuses.
/// </summary>
internal static class Advisories
{
    public const string Openssl = "DSA-9001-1";
    public const string OpensslCve = "CVE-2026-9001";

    public static string Write(TemporaryDirectory directory)
    {
        directory.WriteFile("osv/debian/DSA-9001-1.json", """
            {
              "schema_version": "1.6.0",
              "id": "DSA-9001-1",
              "modified": "2026-10-01T00:00:00Z",
              "aliases": ["CVE-2026-9001"],
              "summary": "openssl - security update (test fixture)",
              "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
              "affected": [
                {
                  "package": {"ecosystem": "Debian:12", "name": "openssl"},
                  "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.0.13-1~deb12u1"}]}]
                }
              ]
            }
            """);
        directory.WriteFile("osv/debian/DEBIAN-CVE-2026-9004.json", """
            {
              "id": "DEBIAN-CVE-2026-9004",
              "modified": "2026-10-01T00:00:00Z",
              "summary": "tar: no fix yet (test fixture: severity unknown)",
              "affected": [
                {
                  "package": {"ecosystem": "Debian", "name": "tar"},
                  "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]
                }
              ]
            }
            """);
        return directory.Combine("osv");
    }
}
