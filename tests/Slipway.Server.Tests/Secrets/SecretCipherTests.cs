using System.Security.Cryptography;
using Slipway.Server.Secrets;

namespace Slipway.Server.Tests.Secrets;

/// <summary>AES-GCM over one value: it round-trips, and a changed, moved or wrongly keyed ciphertext is refused.</summary>
public sealed class SecretCipherTests
{
    private static readonly SecretPlace Place = new("prod", "db", "url", 3);
    private readonly MasterKey _key = MasterKey.Generate();

    [Fact]
    public void A_value_round_trips_and_each_encryption_has_its_own_nonce()
    {
        const string value = "postgres://app:pässwörd@db:5432/shop";

        var first = SecretCipher.Encrypt(_key, Place, value);
        var second = SecretCipher.Encrypt(_key, Place, value);

        Assert.Equal(value, SecretCipher.Decrypt(_key, Place, first));
        Assert.NotEqual(first, second);
        Assert.Equal(first.Length, second.Length);
    }

    [Fact]
    public void An_empty_value_round_trips()
    {
        Assert.Equal("", SecretCipher.Decrypt(_key, Place, SecretCipher.Encrypt(_key, Place, "")));
    }

    [Theory]
    [InlineData(0)] // the nonce
    [InlineData(14)] // the ciphertext
    [InlineData(-1)] // the tag
    public void A_changed_byte_anywhere_is_refused(int at)
    {
        var sealedValue = SecretCipher.Encrypt(_key, Place, "s3cr3t-value");
        sealedValue[at < 0 ? sealedValue.Length + at : at] ^= 0x01;

        Assert.ThrowsAny<CryptographicException>(() => SecretCipher.Decrypt(_key, Place, sealedValue));
    }

    [Theory]
    [InlineData("staging", "db", "url", 3)]
    [InlineData("prod", "cache", "url", 3)]
    [InlineData("prod", "db", "password", 3)]
    [InlineData("prod", "db", "url", 2)]
    public void A_ciphertext_moved_to_another_place_is_refused(string environment, string name, string key, int version)
    {
        var sealedValue = SecretCipher.Encrypt(_key, Place, "s3cr3t-value");

        Assert.ThrowsAny<CryptographicException>(() => SecretCipher.Decrypt(_key, new SecretPlace(environment, name, key, version), sealedValue));
    }

    [Fact]
    public void Another_key_is_refused()
    {
        var sealedValue = SecretCipher.Encrypt(_key, Place, "s3cr3t-value");

        Assert.ThrowsAny<CryptographicException>(() => SecretCipher.Decrypt(MasterKey.Generate(), Place, sealedValue));
    }

    [Fact]
    public void A_truncated_ciphertext_is_refused()
    {
        Assert.ThrowsAny<CryptographicException>(() => SecretCipher.Decrypt(_key, Place, new byte[20]));
    }

    [Fact]
    public void A_key_is_named_by_its_hash_and_never_printed()
    {
        var key = MasterKey.Generate();
        var again = MasterKey.Parse(key.ToBase64())!;

        Assert.Equal(key.Id, again.Id);
        Assert.Matches("^[0-9a-f]{8}$", key.Id);
        Assert.Equal($"master key {key.Id}", key.ToString());
        Assert.NotEqual(key.Id, MasterKey.Generate().Id);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not base64 at all")]
    [InlineData("c2hvcnQ=")] // 5 bytes
    public void Text_that_is_not_32_bytes_of_base64_is_not_a_key(string text)
    {
        Assert.Null(MasterKey.Parse(text));
    }
}
