using System.IO.Compression;
using Slipway.Oci.Sbom;
using Slipway.Oci.Vulnerabilities;

namespace Slipway.Oci.Tests.Vulnerabilities;

public sealed class OsvDatabaseTests
{
    internal static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Vulnerabilities", "Fixtures", "osv");

    [Theory]
    // Debian: by source package and version, per release; '~' sorts before the end, epochs before all
    [InlineData("pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl", "DSA-9001-1", "3.0.13-1~deb12u1")]
    [InlineData("pkg:deb/debian/libssl3@3.0.13-1~deb12u1?arch=amd64&distro=debian-12&upstream=openssl", null, null)]
    [InlineData("pkg:deb/debian/libssl3@3.0.13-1~deb12u1~pre1?arch=amd64&distro=debian-12&upstream=openssl", "DSA-9001-1", "3.0.13-1~deb12u1")]
    [InlineData("pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12", "DSA-9001-1", "3.0.13-1~deb12u1")]
    [InlineData("pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-11", null, null)]
    [InlineData("pkg:deb/debian/bsdutils@1:2.38.1-5%2Bb1?arch=amd64&distro=debian-12&upstream=util-linux%402.38.1-5", "DEBIAN-CVE-2026-9002", "2.40-1")]
    [InlineData("pkg:deb/debian/bsdutils@1:2.38.1-5%2Bb1?arch=amd64&distro=debian-12&upstream=util-linux%401:2.38.1-5", null, null)]
    [InlineData("pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12&upstream=zlib", null, null)]
    [InlineData("pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-11&upstream=zlib", "DLA-9003-1", "1:1.2.13.dfsg-9")]
    [InlineData("pkg:deb/debian/tar@1.34%2Bdfsg-1.2%2Bdeb12u1?arch=amd64&distro=debian-12", "DEBIAN-CVE-2026-9004", null)]
    // npm: SemVer ranges, prereleases, last_affected, two ranges, a listed version, scopes
    [InlineData("pkg:npm/lodash@4.17.20", "GHSA-aaaa-bbbb-0001", "4.17.21")]
    [InlineData("pkg:npm/lodash@4.17.21", null, null)]
    [InlineData("pkg:npm/lodash@4.17.21-rc.1", "GHSA-aaaa-bbbb-0001", "4.17.21")]
    [InlineData("pkg:npm/%40acme/widget@2.0.0-alpha.9", null, null)]
    [InlineData("pkg:npm/%40acme/widget@2.0.0-beta.1", "GHSA-aaaa-bbbb-0002", null)]
    [InlineData("pkg:npm/%40acme/widget@2.0.0", "GHSA-aaaa-bbbb-0002", null)]
    [InlineData("pkg:npm/%40acme/widget@2.0.1-0", null, null)]
    [InlineData("pkg:npm/widget@2.0.0", null, null)]
    [InlineData("pkg:npm/left-pad@0.0.9", "GHSA-aaaa-bbbb-0003", null)]
    [InlineData("pkg:npm/left-pad@0.9.0", null, null)]
    [InlineData("pkg:npm/left-pad@1.0.0", "GHSA-aaaa-bbbb-0003", "1.1.0")]
    [InlineData("pkg:npm/left-pad@1.1.0", null, null)]
    [InlineData("pkg:npm/left-pad@1.2.5", "GHSA-aaaa-bbbb-0003", "1.3.0")]
    [InlineData("pkg:npm/left-pad@1.3.0", null, null)]
    // PyPI: PEP 440 prereleases, post-releases, epochs, normalized names
    [InlineData("pkg:pypi/requests@2.32.0rc1", "PYSEC-2026-0001", "2.32.0")]
    [InlineData("pkg:pypi/requests@2.32.0", null, null)]
    [InlineData("pkg:pypi/requests@2.31.0.post1", "PYSEC-2026-0001", "2.32.0")]
    [InlineData("pkg:pypi/django@4.2", "PYSEC-2026-0002", "4.2.11")]
    [InlineData("pkg:pypi/django@4.2.11", null, null)]
    [InlineData("pkg:pypi/django@4.2rc1", null, null)]
    [InlineData("pkg:pypi/typing-extensions@1.9", "PYSEC-2026-0003", "2.0")]
    [InlineData("pkg:pypi/typing-extensions@1!0.5", null, null)]
    // NuGet: four parts, prerelease labels; a GIT range and a withdrawn advisory are ignored
    [InlineData("pkg:nuget/Newtonsoft.Json@12.0.3", "GHSA-nuget-0000-0001", "13.0.1")]
    [InlineData("pkg:nuget/newtonsoft.json@13.0.1.0", null, null)]
    [InlineData("pkg:nuget/Newtonsoft.Json@13.0.0.1", "GHSA-nuget-0000-0001", "13.0.1")]
    [InlineData("pkg:nuget/System.Text.Json@8.0.0-preview.1", null, null)]
    [InlineData("pkg:nuget/System.Text.Json@8.0.0", "GHSA-nuget-0000-0002", "8.0.4")]
    [InlineData("pkg:nuget/System.Text.Json@8.0.4-rc.1", "GHSA-nuget-0000-0002", "8.0.4")]
    [InlineData("pkg:nuget/System.Text.Json@8.0.4", null, null)]
    public async Task Version_ranges_match_at_their_boundaries(string purl, string? advisory, string? fixedIn)
    {
        var database = await OsvDatabase.LoadAsync(Fixtures, CancellationToken.None);

        var findings = VulnerabilityScanner.Scan(Sbom(Component(purl)), database).Findings;

        Assert.Equal(advisory is null ? [] : [advisory], findings.Select(f => f.AdvisoryId));
        Assert.Equal(fixedIn, findings.SingleOrDefault()?.FixedVersion);
    }

    [Fact]
    public async Task Severities_come_from_cvss_vectors_then_the_databases_word_else_unknown()
    {
        var database = await OsvDatabase.LoadAsync(Fixtures, CancellationToken.None);
        var byId = database.Advisories.ToDictionary(a => a.Id);

        Assert.Equal(new Rating(Severity.Critical, 9.8), byId["DSA-9001-1"].Rating);
        Assert.Equal(new Rating(Severity.High, null), byId["GHSA-aaaa-bbbb-0001"].Rating);
        Assert.Equal(new Rating(Severity.Medium, 6.1), byId["GHSA-aaaa-bbbb-0002"].Rating);
        Assert.Equal(new Rating(Severity.Medium, null), byId["PYSEC-2026-0003"].Rating);
        Assert.Equal(Rating.Unknown, byId["DEBIAN-CVE-2026-9004"].Rating);
        Assert.False(byId.ContainsKey("GHSA-nuget-0000-0003")); // withdrawn
        Assert.Equal(["CVE-2026-9001"], byId["DSA-9001-1"].Aliases);
    }

    [Fact]
    public async Task A_zip_of_osv_files_as_osv_dev_publishes_them_reads_the_same_as_the_folder()
    {
        var zip = Path.Combine(Path.GetTempPath(), $"slipway-osv-{Guid.NewGuid():N}.zip");
        try
        {
            using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
            {
                foreach (var file in Directory.EnumerateFiles(Path.Combine(Fixtures, "npm")))
                {
                    archive.CreateEntryFromFile(file, Path.GetFileName(file)); // flat, as all.zip is
                }
            }

            var fromZip = await OsvDatabase.LoadAsync(zip, CancellationToken.None);
            var fromFolder = await OsvDatabase.LoadAsync(Path.Combine(Fixtures, "npm"), CancellationToken.None);

            Assert.Equal(fromFolder.Advisories.Select(a => a.Id), fromZip.Advisories.Select(a => a.Id));
            Assert.Equal(3, fromZip.Advisories.Count);
            Assert.StartsWith(Path.GetFileName(zip) + ":GHSA-", fromZip.Advisories[0].File, StringComparison.Ordinal);
            Assert.Equal(["GHSA-aaaa-bbbb-0001"], VulnerabilityScanner.Scan(Sbom(Component("pkg:npm/lodash@4.17.20")), fromZip).Findings.Select(f => f.AdvisoryId));
        }
        finally
        {
            File.Delete(zip);
        }
    }

    [Fact]
    public async Task A_database_with_broken_files_is_refused_whole_every_file_named()
    {
        var folder = Directory.CreateTempSubdirectory("slipway-osv-");
        try
        {
            File.Copy(Path.Combine(Fixtures, "npm", "GHSA-aaaa-bbbb-0001.json"), Path.Combine(folder.FullName, "good.json"));
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "truncated.json"), """{"id": "GHSA-x", "affected": [""");
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "noid.json"), """{"summary": "no id"}""");
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "badcvss.json"), """{"id": "GHSA-y", "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N"}]}""");
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "badevent.json"), """{"id": "GHSA-z", "affected": [{"package": {"ecosystem": "npm", "name": "a"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"patched": "1.0.0"}]}]}]}""");

            var error = await Assert.ThrowsAsync<FormatException>(() => OsvDatabase.LoadAsync(folder.FullName, CancellationToken.None));

            Assert.Contains("4 file(s) are not valid OSV advisories", error.Message, StringComparison.Ordinal);
            Assert.Contains("truncated.json: not valid JSON", error.Message, StringComparison.Ordinal);
            Assert.Contains("noid.json: not an OSV advisory: expected an object with an \"id\"", error.Message, StringComparison.Ordinal);
            Assert.Contains("badcvss.json: severity: 'CVSS:3.1/AV:N': base metric AC is missing", error.Message, StringComparison.Ordinal);
            Assert.Contains("badevent.json: affected[0].ranges[0].events[1]: expected introduced, fixed, last_affected or limit", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("good.json", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_missing_database_says_what_was_expected()
    {
        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => OsvDatabase.LoadAsync("/nonexistent/osv", CancellationToken.None));
        Assert.Contains("expected a folder of OSV JSON files or a .zip of them", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_version_the_ecosystem_cannot_order_is_a_note_not_a_finding()
    {
        var database = await OsvDatabase.LoadAsync(Fixtures, CancellationToken.None);

        var result = VulnerabilityScanner.Scan(Sbom(Component("pkg:npm/lodash@github:lodash%2Flodash%23abc")), database);

        Assert.Empty(result.Findings);
        Assert.Contains(result.Notes, n => n.Contains("lodash github:lodash/lodash#abc against GHSA-aaaa-bbbb-0001", StringComparison.Ordinal) && n.Contains("not a valid SemVer version", StringComparison.Ordinal));
    }

    internal static SbomComponent Component(string purl)
    {
        var parsed = PackageUrl.Parse(purl);
        var name = parsed.Type == "npm" && parsed.Namespace is not null ? $"{parsed.Namespace}/{parsed.Name}" : parsed.Name;
        return new SbomComponent(name, parsed.Version!, parsed, ["/test"]);
    }

    internal static BillOfMaterials Sbom(params SbomComponent[] components) =>
        new(Guid.NewGuid(), 1, DateTimeOffset.UnixEpoch, SbomTool.Slipway, null, components);
}
