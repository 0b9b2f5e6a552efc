using Slipway.Server.Secrets;

namespace Slipway.Server.Tests.Secrets;

/// <summary>What redaction takes out of a line of text, and what it leaves.</summary>
public sealed class SecretRedactorTests
{
    [Fact]
    public void Every_occurrence_of_a_value_becomes_a_mark_naming_the_secret_and_key()
    {
        var redactor = SecretRedactor.For([("hunter2-pw", "[secret db/password]")]);

        Assert.Equal("login [secret db/password] ok; again [secret db/password]", redactor.Redact("login hunter2-pw ok; again hunter2-pw"));
    }

    [Fact]
    public void Values_shorter_than_four_characters_are_left_alone()
    {
        var redactor = SecretRedactor.For([("abc", "[secret a/b]"), ("abcd", "[secret a/c]")]);

        Assert.Equal("abc and [secret a/c]", redactor.Redact("abc and abcd"));
    }

    [Fact]
    public void Where_values_overlap_the_longest_wins_and_a_mark_is_not_redacted_again()
    {
        var redactor = SecretRedactor.For([("secret-token-123", "[secret api/token]"), ("token", "[secret x/y]"), ("secr", "[secret s/k]")]);

        Assert.Equal("t=[secret api/token] and [secret x/y]", redactor.Redact("t=secret-token-123 and token"));
    }

    [Fact]
    public void A_value_of_several_lines_is_also_matched_line_by_line()
    {
        var pem = "-----BEGIN KEY-----\r\nMIIEvQIBADANBgkqhkiG9w0BAQEF\r\n-----END KEY-----";
        var redactor = SecretRedactor.For([(pem, "[secret tls/key]")]);

        Assert.Equal("read [secret tls/key]", redactor.Redact("read MIIEvQIBADANBgkqhkiG9w0BAQEF"));
        Assert.Equal("[secret tls/key]", redactor.Redact(pem));
    }

    [Fact]
    public void Text_without_values_is_returned_as_it_is()
    {
        var redactor = SecretRedactor.For([("hunter2-pw", "[secret db/password]")]);
        const string text = "nothing to see";

        Assert.Same(text, redactor.Redact(text));
        Assert.Same(text, SecretRedactor.Empty.Redact(text));
    }
}
