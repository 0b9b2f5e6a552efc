namespace Slipway.Oci.Tests;

public sealed class ImageReferenceTests
{
    private const string Hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("localhost:5000/web:1", "localhost:5000", "web", "1", null)]
    [InlineData("localhost/team/web", "localhost", "team/web", null, null)]
    [InlineData("registry.example.com/team/web@sha256:" + Hex, "registry.example.com", "team/web", null, "sha256:" + Hex)]
    [InlineData("127.0.0.1:5000/web:v1.2.3@sha256:" + Hex, "127.0.0.1:5000", "web", "v1.2.3", "sha256:" + Hex)]
    [InlineData("debian:bookworm", "docker.io", "library/debian", "bookworm", null)]
    [InlineData("team/web", "docker.io", "team/web", null, null)]
    public void Parses_registry_repository_tag_and_digest(string text, string registry, string repository, string? tag, string? digest)
    {
        var reference = ImageReference.Parse(text);
        Assert.Equal(registry, reference.Registry);
        Assert.Equal(repository, reference.Repository);
        Assert.Equal(tag, reference.Tag);
        Assert.Equal(digest, reference.Digest?.ToString());
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("localhost:5000/Web:1", "repository 'Web'")]
    [InlineData("localhost:5000/web:-1", "tag '-1'")]
    [InlineData("localhost:5000/web@sha256:abc", "not a digest")]
    [InlineData("localhost:5000/web@md5:" + Hex, "not a digest")]
    public void Refuses_what_is_not_a_reference_and_says_what(string text, string expected)
    {
        Assert.False(ImageReference.TryParse(text, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Prints_back_what_it_parsed_and_names_a_manifest_by_digest_first()
    {
        var text = "localhost:5000/team/web:1@sha256:" + Hex;
        var reference = ImageReference.Parse(text);
        Assert.Equal(text, reference.ToString());
        Assert.Equal("sha256:" + Hex, reference.ManifestReference);
        Assert.Equal("latest", ImageReference.Parse("localhost:5000/web").ManifestReference);
    }

    [Fact]
    public void A_digest_is_the_sha256_of_the_content_and_checks_it()
    {
        var content = "hello"u8.ToArray();
        var digest = Digest.Sha256(content);
        Assert.Equal("sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", digest.ToString());
        Assert.True(digest.Matches(content));
        Assert.False(digest.Matches("hellO"u8));
        Assert.Equal(digest, Digest.Parse(digest.ToString()));
    }
}
