using System.Text;
using Slipway.Oci.Signing;

namespace Slipway.Oci.Tests.Signing;

public sealed class SimpleSigningPayloadTests
{
    [Fact]
    public void The_payload_is_byte_for_byte_the_one_cosign_signed()
    {
        var image = ImageReference.Parse($"{CosignTestVector.Repository}@{CosignTestVector.ManifestDigest}");
        var payload = SimpleSigningPayload.For(image);
        Assert.Equal(CosignTestVector.Payload, Encoding.UTF8.GetString(payload.ToBytes()));

        var second = ImageReference.Parse($"{CosignTestVector.SecondKey.Repository}@{CosignTestVector.SecondKey.ManifestDigest}");
        Assert.Equal(CosignTestVector.SecondKey.Payload, Encoding.UTF8.GetString(SimpleSigningPayload.For(second).ToBytes()));
    }

    [Fact]
    public void The_docker_reference_is_the_repository_without_tag_and_docker_hub_is_spelled_as_cosign_spells_it()
    {
        var digest = Digest.Sha256("image"u8);
        Assert.Equal("localhost:17400/team/web", SimpleSigningPayload.For(ImageReference.Parse("localhost:17400/team/web:v1").WithDigest(digest)).DockerReference);
        Assert.Equal("index.docker.io/library/debian", SimpleSigningPayload.For(ImageReference.Parse("debian").WithDigest(digest)).DockerReference);
    }

    [Fact]
    public void Annotations_are_written_sorted_and_escaped_as_Go_writes_them()
    {
        var image = ImageReference.Parse("localhost:17400/web").WithDigest(Digest.Sha256("image"u8));
        var payload = SimpleSigningPayload.For(image, new Dictionary<string, string>
        {
            ["release"] = "7",
            ["commit"] = "a<b>&c \"q\" \\ \n é \u2028",
            ["Z"] = "upper sorts first",
        });

        var json = Encoding.UTF8.GetString(payload.ToBytes());
        Assert.EndsWith(
            "\"optional\":" + """{"Z":"upper sorts first","commit":"a\u003cb\u003e\u0026c \"q\" \\ \n é \u2028","release":"7"}}""",
            json,
            StringComparison.Ordinal);

        Assert.True(SimpleSigningPayload.TryParse(payload.ToBytes(), out var read, out var error), error);
        Assert.Equal(payload.DockerReference, read.DockerReference);
        Assert.Equal(payload.ManifestDigest, read.ManifestDigest);
        Assert.Equal("a<b>&c \"q\" \\ \n é \u2028", read.Optional!["commit"]);
    }

    [Fact]
    public void A_tag_is_never_signed()
    {
        var error = Assert.Throws<ArgumentException>(() => SimpleSigningPayload.For(ImageReference.Parse("localhost:17400/web:v1")));
        Assert.Contains("names no digest", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]", "no 'critical' object")]
    [InlineData("""{"critical":{"type":"atomic container signature"}}""", "critical.type is 'atomic container signature'")]
    [InlineData("""{"critical":{"type":"cosign container image signature","image":{"docker-manifest-digest":"sha256:abc"},"identity":{"docker-reference":"r/x"}}}""", "docker-manifest-digest is 'sha256:abc'")]
    [InlineData("""{"critical":{"type":"cosign container image signature","image":{}}}""", "no critical.identity.docker-reference")]
    [InlineData("{", "not JSON")]
    public void What_is_not_a_cosign_image_payload_is_refused_saying_what(string json, string expected)
    {
        Assert.False(SimpleSigningPayload.TryParse(Encoding.UTF8.GetBytes(json), out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_string_optional_values_written_by_containers_image_are_read_as_their_JSON()
    {
        var json = """{"critical":{"identity":{"docker-reference":"192.168.64.2:5000/skopeo-signed:tag"},"image":{"docker-manifest-digest":"sha256:634a8f35b5f16dcf4aaa0822adc0b1964bb786fca12f6831de8ddc45e5986a00"},"type":"cosign container image signature"},"optional":{"creator":"containers/image 5.21.2-dev","timestamp":1657296609}}""";
        Assert.True(SimpleSigningPayload.TryParse(Encoding.UTF8.GetBytes(json), out var payload, out var error), error);
        Assert.Equal("1657296609", payload.Optional!["timestamp"]);
        Assert.Equal("192.168.64.2:5000/skopeo-signed:tag", payload.DockerReference);
    }
}
