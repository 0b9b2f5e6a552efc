using System.Text;
using Slipway.Oci.Registry;

namespace Slipway.Oci.Tests.Registry;

public sealed class ManifestTests
{
    private const string Hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Fact]
    public void A_manifest_keeps_its_exact_bytes_and_their_digest_whatever_their_spacing()
    {
        var text = $$"""
            {
              "schemaVersion": 2,
              "mediaType": "application/vnd.oci.image.manifest.v1+json",
              "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "sha256:{{Hex}}", "size": 2},
              "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "sha256:{{Hex}}", "size": 10,
                          "annotations": {"org.opencontainers.image.title": "a.tar.gz"} } ],
              "annotations": {"created-by": "someone else's tool"}
            }
            """;
        var bytes = Encoding.UTF8.GetBytes(text);

        var manifest = Manifest.FromBytes(bytes, "application/vnd.oci.image.manifest.v1+json; charset=utf-8");

        Assert.Equal(Digest.Sha256(bytes), manifest.Digest);
        Assert.Equal(bytes, manifest.Bytes.ToArray());
        Assert.Equal(MediaTypes.OciManifest, manifest.MediaType);
        var image = manifest.ParseImage();
        Assert.Equal(10, image.Layers[0].Size);
        Assert.Equal("a.tar.gz", image.Layers[0].Annotations!["org.opencontainers.image.title"]);
        Assert.Equal("someone else's tool", image.Annotations!["created-by"]);
    }

    [Theory]
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[]}""", null, MediaTypes.DockerManifestList)]
    [InlineData("""{"schemaVersion":2,"manifests":[]}""", "application/json", MediaTypes.OciIndex)]
    [InlineData("""{"schemaVersion":2,"config":{"mediaType":"a","digest":"sha256:HEX","size":1},"layers":[]}""", null, MediaTypes.OciManifest)]
    [InlineData("""{"schemaVersion":2,"manifests":[]}""", MediaTypes.DockerManifestList, MediaTypes.DockerManifestList)]
    public void The_media_type_comes_from_the_answer_else_the_manifest_else_its_shape(string json, string? contentType, string expected)
    {
        Assert.Equal(expected, Manifest.FromBytes(Encoding.UTF8.GetBytes(json.Replace("HEX", Hex, StringComparison.Ordinal)), contentType).MediaType);
    }

    [Theory]
    [InlineData("""{"schemaVersion":1,"name":"x","tag":"1","fsLayers":[]}""", null, "Docker schema 1")]
    [InlineData("""{}""", MediaTypes.DockerManifestSchema1Signed, "Docker schema 1")]
    [InlineData("""{"mediaType":"application/vnd.example+json"}""", null, "application/vnd.example+json is not one Slipway reads")]
    [InlineData("""not json""", null, "not JSON")]
    [InlineData("""{"schemaVersion":2}""", null, "neither 'manifests'")]
    public void What_is_not_a_manifest_this_library_reads_is_refused_with_why(string json, string? contentType, string expected)
    {
        var error = Assert.Throws<FormatException>(() => Manifest.FromBytes(Encoding.UTF8.GetBytes(json), contentType));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_descriptor_without_a_digest_is_refused_rather_than_read_as_null()
    {
        var manifest = Manifest.FromBytes("""{"schemaVersion":2,"config":{"mediaType":"a","size":1},"layers":[]}"""u8, MediaTypes.OciManifest);

        var error = Assert.Throws<FormatException>(() => manifest.ParseImage());

        Assert.Contains("is not an image manifest", error.Message, StringComparison.Ordinal);
        Assert.Contains("digest", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_composed_manifest_writes_the_oci_fields_in_order_and_names_its_media_type_and_leaves_out_what_is_null()
    {
        var config = Descriptor.Of(MediaTypes.OciEmpty, "{}"u8);
        var manifest = Manifest.Create(new ImageManifest(config, []) { ArtifactType = "application/vnd.example" });

        Assert.Equal(
            """{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.example","config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[]}""",
            Encoding.UTF8.GetString(manifest.Bytes.Span));
        Assert.Equal(MediaTypes.OciManifest, manifest.MediaType);
        Assert.Equal([config], manifest.References());
    }
}
