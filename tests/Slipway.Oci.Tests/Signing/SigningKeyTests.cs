using System.Security.Cryptography;
using System.Text;
using Slipway.Oci.Signing;

namespace Slipway.Oci.Tests.Signing;

public sealed class SigningKeyTests
{
    [Fact]
    public void A_generated_key_round_trips_through_PKCS8_and_its_public_PEM_and_keeps_its_key_id()
    {
        using var key = SigningKey.Generate();
        using var fromDer = SigningKey.FromPkcs8(key.ExportPkcs8());
        using var fromPem = SigningKey.FromPem(key.ExportPkcs8Pem());
        var publicKey = VerificationKey.FromPem(key.PublicKey.Pem);

        Assert.Equal(key.KeyId, fromDer.KeyId);
        Assert.Equal(key.KeyId, fromPem.KeyId);
        Assert.Equal(key.KeyId, publicKey.KeyId);
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----\n", key.PublicKey.Pem, StringComparison.Ordinal);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----\n", key.ExportPkcs8Pem(), StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{64}$", key.KeyId);

        var payload = "signed bytes"u8.ToArray();
        Assert.True(publicKey.Verifies(payload, fromPem.Sign(payload)));
        Assert.False(publicKey.Verifies("other bytes"u8, fromPem.Sign(payload)));
    }

    [Fact]
    public async Task Openssl_reads_both_keys_and_computes_the_same_key_id()
    {
        using var key = SigningKey.Generate();
        using var dir = new SigningTempDirectory();
        dir.Write("cosign.pub", key.PublicKey.Pem);
        dir.Write("key.pem", key.ExportPkcs8Pem());

        var publicDer = await ExternalTool.RunAsync("openssl", ["pkey", "-pubin", "-in", "cosign.pub", "-outform", "DER", "-out", "pub.der"], dir.Path);
        Assert.True(publicDer.ExitCode == 0, publicDer.ToString());
        Assert.Equal(key.KeyId, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(dir.Combine("pub.der")))));

        // The private key's public half, as openssl derives it, is the exported public key.
        var derived = await ExternalTool.RunAsync("openssl", ["pkey", "-in", "key.pem", "-pubout"], dir.Path);
        Assert.True(derived.ExitCode == 0, derived.ToString());
        Assert.Equal(key.PublicKey.Pem.Trim(), derived.Output.Trim());

        var text = await ExternalTool.RunAsync("openssl", ["pkey", "-pubin", "-in", "cosign.pub", "-noout", "-text"], dir.Path);
        Assert.Contains("prime256v1", text.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_openssl_made_are_imported_SEC1_and_PKCS8()
    {
        using var dir = new SigningTempDirectory();
        var made = await ExternalTool.RunAsync("openssl", ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "sec1.pem"], dir.Path);
        Assert.True(made.ExitCode == 0, made.ToString());
        var converted = await ExternalTool.RunAsync("openssl", ["pkcs8", "-topk8", "-nocrypt", "-in", "sec1.pem", "-out", "pkcs8.pem"], dir.Path);
        Assert.True(converted.ExitCode == 0, converted.ToString());
        await ExternalTool.RunAsync("openssl", ["pkey", "-in", "sec1.pem", "-pubout", "-out", "pub.pem"], dir.Path);

        using var sec1 = SigningKey.FromPem(File.ReadAllText(dir.Combine("sec1.pem")));
        using var pkcs8 = SigningKey.FromPem(File.ReadAllText(dir.Combine("pkcs8.pem")));
        Assert.Equal(sec1.KeyId, pkcs8.KeyId);
        Assert.Equal(sec1.KeyId, VerificationKey.FromPem(File.ReadAllText(dir.Combine("pub.pem"))).KeyId);
    }

    [Fact]
    public async Task Keys_that_are_not_ECDSA_P256_are_refused_saying_what_they_are()
    {
        using var dir = new SigningTempDirectory();
        await ExternalTool.RunAsync("openssl", ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "rsa.pem"], dir.Path);
        await ExternalTool.RunAsync("openssl", ["pkey", "-in", "rsa.pem", "-pubout", "-out", "rsa.pub"], dir.Path);
        await ExternalTool.RunAsync("openssl", ["ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out", "p384.pem"], dir.Path);
        await ExternalTool.RunAsync("openssl", ["pkey", "-in", "p384.pem", "-pubout", "-out", "p384.pub"], dir.Path);

        Assert.False(VerificationKey.TryFromPem(File.ReadAllText(dir.Combine("rsa.pub")), out _, out var rsa));
        Assert.Contains("the public key is RSA", rsa, StringComparison.Ordinal);
        Assert.False(VerificationKey.TryFromPem(File.ReadAllText(dir.Combine("p384.pub")), out _, out var p384));
        Assert.Contains("ECDSA on curve", p384, StringComparison.Ordinal);
        var p384Private = Assert.Throws<FormatException>(() => SigningKey.FromPem(File.ReadAllText(dir.Combine("p384.pem"))));
        Assert.Contains("Slipway signs with ECDSA P-256 keys", p384Private.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_private_key_given_as_a_trusted_key_or_a_cosign_key_file_is_refused_without_echoing_it()
    {
        using var key = SigningKey.Generate();
        var privatePem = key.ExportPkcs8Pem();
        Assert.False(VerificationKey.TryFromPem(privatePem, out _, out var error));
        Assert.Contains("this is a private key", error, StringComparison.Ordinal);
        Assert.DoesNotContain(Base64Body(privatePem)[..20], error, StringComparison.Ordinal);

        var cosignKey = "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nZXhhbXBsZQ==\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n";
        var refused = Assert.Throws<FormatException>(() => SigningKey.FromPem(cosignKey));
        Assert.Contains("this is a cosign private key", refused.Message, StringComparison.Ordinal);

        var garbled = Assert.Throws<FormatException>(() => SigningKey.FromPkcs8(Encoding.ASCII.GetBytes("not a key")));
        Assert.Equal("the private key is not an unencrypted PKCS#8 ECDSA key", garbled.Message);
    }

    [Fact]
    public void A_signing_key_prints_as_its_public_fingerprint_only()
    {
        using var key = SigningKey.Generate();
        var text = key.ToString();
        Assert.Equal($"ECDSA P-256 signing key {key.KeyId[..12]}", text);
        Assert.DoesNotContain(Base64Body(key.ExportPkcs8Pem())[..16], text, StringComparison.Ordinal);
    }

    private static string Base64Body(string pem) =>
        string.Concat(pem.Split('\n').Where(line => !line.StartsWith("-----", StringComparison.Ordinal)));
}
