using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using NJsonSchema;
using Slipway.Oci.Sbom;

namespace Slipway.Oci.Tests.Sbom;

public sealed class CycloneDxTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 9, 30, 15, 123, TimeSpan.Zero);
    private static readonly Digest Manifest = Digest.Sha256("manifest"u8);

    [Fact]
    public async Task The_sbom_of_a_test_image_validates_against_the_cyclonedx_1_5_schema_and_lists_its_packages()
    {
        var sbom = await TestImageSbomAsync();
        var json = Encoding.UTF8.GetString(CycloneDxWriter.ToBytes(sbom));

        var schema = await JsonSchema.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "Sbom", "Fixtures", "CycloneDx", "bom-1.5.schema.json"));
        var errors = schema.Validate(json);

        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => $"{e.Path}: {e.Kind}")));
        Assert.Contains("\"purl\": \"pkg:deb/debian/tar@1.34%2Bdfsg-1.2%2Bdeb12u1?arch=amd64&distro=debian-12\"", json, StringComparison.Ordinal); // readable, not \u0026
        Assert.Equal(
            [
                "pkg:deb/debian/bsdutils@1:2.38.1-5%2Bb1?arch=amd64&distro=debian-12&upstream=util-linux%402.38.1-5",
                "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl",
                "pkg:deb/debian/tar@1.34%2Bdfsg-1.2%2Bdeb12u1?arch=amd64&distro=debian-12",
                "pkg:npm/%40acme/widget@2.0.0-beta.2",
                "pkg:npm/left-pad@1.2.5",
                "pkg:npm/lodash@4.17.20",
                "pkg:nuget/Newtonsoft.Json@12.0.3",
                "pkg:nuget/System.Text.Json@8.0.4-rc.1",
                "pkg:pypi/requests@2.31.0",
            ],
            Components(json).Select(c => c.GetProperty("purl").GetString()));
    }

    [Theory]
    [InlineData("\"type\": \"library\"", "\"type\": \"banana\"")]
    [InlineData("\"specVersion\": \"1.5\"", "\"specVersion\": 1.5")]
    [InlineData("\"serialNumber\": \"urn:uuid:", "\"serialNumber\": \"uuid:")]
    [InlineData("\"alg\": \"SHA-256\"", "\"alg\": \"sha256\"")]
    public async Task The_validator_would_catch_a_document_that_breaks_the_schema(string valid, string broken)
    {
        var json = Encoding.UTF8.GetString(CycloneDxWriter.ToBytes(await TestImageSbomAsync()));
        Assert.Contains(valid, json, StringComparison.Ordinal);

        var schema = await JsonSchema.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "Sbom", "Fixtures", "CycloneDx", "bom-1.5.schema.json"));

        Assert.NotEmpty(schema.Validate(json.Replace(valid, broken, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_document_carries_the_fields_consumers_read()
    {
        var sbom = await TestImageSbomAsync();
        using var document = JsonDocument.Parse(CycloneDxWriter.ToBytes(sbom));
        var root = document.RootElement;

        Assert.Equal("CycloneDX", root.GetProperty("bomFormat").GetString());
        Assert.Equal("1.5", root.GetProperty("specVersion").GetString());
        Assert.Matches("^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$", root.GetProperty("serialNumber").GetString());
        Assert.Equal(1, root.GetProperty("version").GetInt32());
        var metadata = root.GetProperty("metadata");
        Assert.Equal("2026-11-24T09:30:15Z", metadata.GetProperty("timestamp").GetString());
        Assert.Equal("slipway", metadata.GetProperty("tools").GetProperty("components")[0].GetProperty("name").GetString());
        var subject = metadata.GetProperty("component");
        Assert.Equal("container", subject.GetProperty("type").GetString());
        Assert.Equal("localhost:17500/team/web", subject.GetProperty("name").GetString());
        Assert.Equal(Manifest.ToString(), subject.GetProperty("version").GetString());
        Assert.Equal($"pkg:oci/web@{Manifest}?repository_url=localhost:17500/team/web", subject.GetProperty("purl").GetString());
        Assert.Equal(Manifest.Hex, subject.GetProperty("hashes")[0].GetProperty("content").GetString());
        var lodash = Components(root).Single(c => c.GetProperty("name").GetString() == "lodash");
        Assert.Equal("library", lodash.GetProperty("type").GetString());
        Assert.Equal("pkg:npm/lodash@4.17.20", lodash.GetProperty("bom-ref").GetString());
        Assert.Equal(
            ["/srv/web/node_modules/lodash/package.json", "/srv/web/package-lock.json"],
            lodash.GetProperty("properties").EnumerateArray().Where(p => p.GetProperty("name").GetString() == "slipway:location").Select(p => p.GetProperty("value").GetString()));
    }

    [Fact]
    public async Task Written_then_read_back_it_is_the_same_sbom_and_the_same_bytes()
    {
        var sbom = await TestImageSbomAsync();
        var bytes = CycloneDxWriter.ToBytes(sbom);

        var read = CycloneDxReader.Read(bytes);

        Assert.Equal(sbom.SerialNumber, read.SerialNumber);
        Assert.Equal(sbom.Timestamp, read.Timestamp);
        Assert.Equal(sbom.Subject, read.Subject);
        Assert.Equal(sbom.Tool, read.Tool);
        Assert.Equal(sbom.Components.Select(Describe), read.Components.Select(Describe));
        Assert.Equal(bytes, CycloneDxWriter.ToBytes(read));
    }

    [Fact]
    public async Task The_same_layers_give_the_same_components_in_the_same_order_whatever_the_tar_order()
    {
        var forward = await TestImageSbomAsync();
        var backward = await TestImageSbomAsync(reverseEntries: true);

        Assert.Equal(forward.Components.Select(Describe), backward.Components.Select(Describe));
    }

    [Fact]
    public void An_sbom_written_by_another_tool_is_read_with_nested_components_and_npm_groups()
    {
        var json = """
            {
              "bomFormat": "CycloneDX", "specVersion": "1.4", "version": 3,
              "metadata": { "timestamp": "2026-01-02T03:04:05Z", "tools": [ { "vendor": "anchore", "name": "syft", "version": "0.100.0" } ] },
              "components": [
                { "type": "library", "group": "@acme", "name": "widget", "version": "2.0.0", "purl": "pkg:npm/%40acme/widget@2.0.0",
                  "components": [ { "type": "library", "name": "lodash", "version": "4.17.21", "purl": "pkg:npm/lodash@4.17.21" } ] },
                { "type": "file", "name": "/etc/passwd" }
              ]
            }
            """;

        var sbom = CycloneDxReader.Read(Encoding.UTF8.GetBytes(json));

        Assert.Equal(new SbomTool("syft", "0.100.0"), sbom.Tool);
        Assert.Equal(3, sbom.Version);
        Assert.Equal(["@acme/widget 2.0.0", "lodash 4.17.21"], sbom.Components.Select(c => $"{c.Name} {c.Version}"));
        Assert.Single(sbom.Uses(PackageQuery.Parse("lodash@4.17.21")));
    }

    [Theory]
    [InlineData("""{"bomFormat": "SPDX"}""", "expected bomFormat \"CycloneDX\"")]
    [InlineData("""{"bomFormat": "CycloneDX", "specVersion": "1.2"}""", "specVersion is 1.2")]
    [InlineData("""{"bomFormat": "CycloneDX", "specVersion": "1.5", "serialNumber": "42"}""", "serialNumber '42'")]
    [InlineData("""{"bomFormat": "CycloneDX", "specVersion": "1.5", "metadata": {"timestamp": "yesterday"}}""", "metadata.timestamp 'yesterday'")]
    [InlineData("""{"bomFormat": """, "not valid JSON")]
    public void A_document_that_is_not_a_cyclonedx_sbom_is_refused_with_the_field_named(string json, string expected)
    {
        var error = Assert.Throws<FormatException>(() => CycloneDxReader.Read(Encoding.UTF8.GetBytes(json)));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_directory_artifact_gets_an_sbom_too_without_links_leaving_it()
    {
        var root = Directory.CreateTempSubdirectory("slipway-sbom-");
        try
        {
            Directory.CreateDirectory(Path.Combine(root.FullName, "out"));
            await File.WriteAllTextAsync(Path.Combine(root.FullName, "out", "Web.deps.json"), SampleFiles.DepsJson);
            Directory.CreateDirectory(Path.Combine(root.FullName, "out", "node_modules", "lodash"));
            await File.WriteAllTextAsync(Path.Combine(root.FullName, "out", "node_modules", "lodash", "package.json"), SampleFiles.PackageJson("lodash", "4.17.20"));
            File.CreateSymbolicLink(Path.Combine(root.FullName, "out", "Other.deps.json"), "/nonexistent/elsewhere.deps.json");
            Directory.CreateSymbolicLink(Path.Combine(root.FullName, "loop"), root.FullName);
            var generator = new SbomGenerator(new FakeTimeProvider(Now));

            var result = await generator.ForDirectoryAsync(SbomSubject.ForDirectory("web", Digest.Sha256("dir"u8)), root.FullName, CancellationToken.None);

            Assert.Equal(
                ["pkg:npm/lodash@4.17.20", "pkg:nuget/Newtonsoft.Json@12.0.3", "pkg:nuget/System.Text.Json@8.0.4-rc.1"],
                result.Sbom.Components.Select(c => c.BomRef));
            Assert.Equal(["/out/Web.deps.json"], result.Sbom.Components[1].Locations);
            Assert.Contains(result.Notes, n => n.StartsWith("/out/Other.deps.json is a link outside the directory", StringComparison.Ordinal));
            var schema = await JsonSchema.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "Sbom", "Fixtures", "CycloneDx", "bom-1.5.schema.json"));
            Assert.Empty(schema.Validate(Encoding.UTF8.GetString(CycloneDxWriter.ToBytes(result.Sbom))));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    /// <summary>A test image of three layers: a Debian base, an app layer with .NET, npm and Python packages, and a
    /// layer that deletes a package.</summary>
    internal static async Task<BillOfMaterials> TestImageSbomAsync(bool reverseEntries = false)
    {
        var baseEntries = new List<(string, string)>
        {
            ("usr/lib/os-release", SampleFiles.OsRelease),
            ("var/lib/dpkg/status", SampleFiles.DpkgStatus),
            ("usr/lib/python3/dist-packages/requests-2.31.0.dist-info/METADATA", SampleFiles.PythonMetadata("requests", "2.31.0")),
            ("usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA", SampleFiles.PythonMetadata("six", "1.16.0")),
        };
        var appEntries = new List<(string, string)>
        {
            ("app/Web.deps.json", SampleFiles.DepsJson),
            ("srv/web/package-lock.json", SampleFiles.PackageLockV3),
            ("srv/web/node_modules/lodash/package.json", SampleFiles.PackageJson("lodash", "4.17.20")),
            ("srv/web/node_modules/@acme/widget/package.json", SampleFiles.PackageJson("@acme/widget", "2.0.0-beta.2")),
        };
        if (reverseEntries)
        {
            baseEntries.Reverse();
            appEntries.Reverse();
        }

        var bottom = new LayerBuilder().Symlink("etc/os-release", "../usr/lib/os-release");
        baseEntries.ForEach(e => bottom.File(e.Item1, e.Item2));
        var app = new LayerBuilder();
        appEntries.ForEach(e => app.File(e.Item1, e.Item2));
        var top = new LayerBuilder().Whiteout("usr/lib/python3/dist-packages/six-1.16.0.dist-info");
        var generator = new SbomGenerator(new FakeTimeProvider(Now));

        var result = await generator.ForImageAsync(
            SbomSubject.ForImage(ImageReference.Parse("localhost:17500/team/web:1"), Manifest),
            [bottom.Source(mediaType: "application/vnd.oci.image.layer.v1.tar+gzip"), app.Source(gzip: false), top.Source()],
            CancellationToken.None);
        Assert.Empty(result.Notes);
        return result.Sbom;
    }

    private static string Describe(SbomComponent c) => $"{c.BomRef} {c.Name} {c.Version} {string.Join(",", c.Locations)}";

    private static IEnumerable<JsonElement> Components(string json) => Components(JsonDocument.Parse(json).RootElement);

    private static IEnumerable<JsonElement> Components(JsonElement root) => root.GetProperty("components").EnumerateArray();
}
