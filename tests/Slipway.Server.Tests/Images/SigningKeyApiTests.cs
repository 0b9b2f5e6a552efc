using System.Net;
using Slipway.Oci.Signing;
using Slipway.Oci.Tests.Support;
using Slipway.Server.Api;
using Slipway.Server.Images;
using Slipway.Server.Secrets;
using Slipway.Store;

namespace Slipway.Server.Tests.Images;

/// <summary>
/// Signing keys through the API of a real server: generated ones whose private half is sealed with the master key and
/// found in clear nowhere (not in the data directory, any answer or any log line), public keys imported to verify
/// only, the key ids openssl computes, and a master key rotation that re-encrypts the private keys so they still sign.
/// </summary>
public sealed class SigningKeyApiTests : IAsyncLifetime
{
    private readonly Oci.Tests.Support.TemporaryDirectory _dir = new("slipway-key-test");
    private ImageServer _server = null!;

    public async Task InitializeAsync() => _server = await ImageServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_generated_key_is_listed_exported_as_openssl_reads_it_and_its_private_half_is_nowhere_in_clear()
    {
        var generated = await _server.OkAsync<SigningKeyAnswer>(HttpMethod.Post, "/api/v1/keys", new SigningKeyRequest("release-key", null, "ana@laptop"));
        var listed = Assert.Single(await _server.OkAsync<List<SigningKeyView>>(HttpMethod.Get, "/api/v1/keys", null));
        var exported = await _server.OkAsync<SigningKeyView>(HttpMethod.Get, "/api/v1/keys/release-key", null);

        Assert.Equal($"key release-key: ECDSA P-256, id {generated.Key.KeyId[..12]}; the private key stays in the server", generated.Message);
        Assert.Equal(("release-key", true, "ana@laptop"), (listed.Name, listed.CanSign, listed.CreatedBy));
        await File.WriteAllTextAsync(_dir.Combine("release-key.pub"), exported.PublicKey);
        var der = await Tool.RunAsync("openssl", "pkey", "-pubin", "-in", _dir.Combine("release-key.pub"), "-outform", "DER", "-out", _dir.Combine("release-key.der"));
        Assert.Empty(der);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(_dir.Combine("release-key.der")))), listed.KeyId);

        // The private key, opened the way the server opens it (the store's sealed bytes, the data directory's master key).
        var pkcs8 = await OpenPrivateKeyAsync("release-key");
        using (var key = SigningKey.FromPkcs8(pkcs8))
        {
            Assert.Equal(listed.KeyId, key.KeyId);
            Assert.Empty(_server.FilesHolding(pkcs8));
            Assert.Empty(_server.FindInClear(Convert.ToBase64String(pkcs8)));
            var pem = key.ExportPkcs8Pem();
            foreach (var line in pem.Split('\n').Where(l => l.Length == 64))
            {
                Assert.Empty(_server.FindInClear(line));
            }
        }
    }

    [Fact]
    public async Task A_public_key_is_imported_to_verify_only_and_other_keys_are_refused_saying_what_they_are()
    {
        await Tool.RunAsync("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", _dir.Combine("ci.key"));
        await Tool.RunAsync("openssl", "pkey", "-in", _dir.Combine("ci.key"), "-pubout", "-out", _dir.Combine("ci.pub"));
        await Tool.RunAsync("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", _dir.Combine("rsa.key"));
        await Tool.RunAsync("openssl", "pkey", "-in", _dir.Combine("rsa.key"), "-pubout", "-out", _dir.Combine("rsa.pub"));
        var ciPublic = await File.ReadAllTextAsync(_dir.Combine("ci.pub"));

        var imported = await _server.OkAsync<SigningKeyAnswer>(HttpMethod.Post, "/api/v1/keys", new SigningKeyRequest("ci-key", ciPublic, "ana@laptop"));
        var (twiceStatus, twice) = await _server.SendAsync(HttpMethod.Post, "/api/v1/keys", new SigningKeyRequest("ci-key-2", ciPublic));
        var (takenStatus, taken) = await _server.SendAsync(HttpMethod.Post, "/api/v1/keys", new SigningKeyRequest("ci-key"));
        var (rsaStatus, rsa) = await _server.SendAsync(HttpMethod.Post, "/api/v1/keys", new SigningKeyRequest("rsa-key", await File.ReadAllTextAsync(_dir.Combine("rsa.pub"))));
        var (privateStatus, privateKey) = await _server.SendAsync(HttpMethod.Post, "/api/v1/keys", new SigningKeyRequest("leak", await File.ReadAllTextAsync(_dir.Combine("ci.key"))));
        var (nameStatus, name) = await _server.SendAsync(HttpMethod.Post, "/api/v1/keys", new SigningKeyRequest("Release_Key"));

        Assert.False(imported.Key.CanSign);
        Assert.Equal(VerificationKey.FromPem(ciPublic).KeyId, imported.Key.KeyId);
        Assert.Equal($"key ci-key: ECDSA P-256 public key, id {imported.Key.KeyId[..12]}, trusted to verify signatures (it cannot sign)", imported.Message);
        Assert.Equal(HttpStatusCode.Conflict, twiceStatus);
        Assert.Contains($"this public key ({imported.Key.KeyId[..12]}) is already trusted as ci-key", twice, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, takenStatus);
        Assert.Contains("there is a key named ci-key already", taken, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, rsaStatus);
        Assert.Contains("the public key is RSA", rsa, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, privateStatus);
        Assert.Contains("this is a private key", privateKey, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, nameStatus);
        Assert.Contains("key name 'Release_Key'", name, StringComparison.Ordinal);
        Assert.Equal(["ci-key"], (await _server.OkAsync<List<SigningKeyView>>(HttpMethod.Get, "/api/v1/keys", null)).Select(k => k.Name));
    }

    [Fact]
    public async Task Rotate_key_re_encrypts_the_private_keys_retires_the_old_master_key_and_the_keys_still_sign()
    {
        var generated = await _server.OkAsync<SigningKeyAnswer>(HttpMethod.Post, "/api/v1/keys", new SigningKeyRequest("release-key"));
        var image = await _server.PushImageAsync("web:v1");
        var before = await StoredKeyAsync("release-key");

        var rotation = await _server.OkAsync<KeyRotationView>(HttpMethod.Post, "/api/v1/secrets/rotate-key", "{}");
        var after = await StoredKeyAsync("release-key");
        var signed = await _server.OkAsync<ImageSignAnswer>(HttpMethod.Post, "/api/v1/images/sign", new ImageSignRequest(image.ToString(), "release-key"));
        var verified = await _server.OkAsync<ImageVerifyAnswer>(HttpMethod.Post, "/api/v1/images/verify", new ImageVerifyRequest(image.ToString(), ["release-key"]));

        Assert.Equal([before.MasterKeyId!], rotation.Retired);
        Assert.Equal(rotation.KeyId, after.MasterKeyId);
        Assert.NotEqual(before.PrivateKey, after.PrivateKey);
        Assert.Equal([rotation.KeyId], MasterKeys.Open(_server.Server.Options.DataDirectory, _ => null).Keys.Select(k => k.Id));
        Assert.True(signed.Signed.Added);
        Assert.True(verified.Verified, verified.Message);
        Assert.Equal(generated.Key.KeyId, verified.KeyId);
    }

    [Fact]
    public async Task A_deleted_key_is_gone_and_its_name_free_again()
    {
        await _server.OkAsync<SigningKeyAnswer>(HttpMethod.Post, "/api/v1/keys", new SigningKeyRequest("release-key"));

        var (deletedStatus, deleted) = await _server.SendAsync(HttpMethod.Delete, "/api/v1/keys/release-key", "{}");
        var (againStatus, again) = await _server.SendAsync(HttpMethod.Delete, "/api/v1/keys/release-key", "{}");
        var (getStatus, _) = await _server.SendAsync(HttpMethod.Get, "/api/v1/keys/release-key", null);
        var renewed = await _server.OkAsync<SigningKeyAnswer>(HttpMethod.Post, "/api/v1/keys", new SigningKeyRequest("release-key"));

        Assert.Equal(HttpStatusCode.OK, deletedStatus);
        Assert.Contains("key release-key deleted", deleted, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, againStatus);
        Assert.Contains("there is no signing key release-key", again, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, getStatus);
        Assert.True(renewed.Key.CanSign);
    }

    private async Task<SigningKeyRecord> StoredKeyAsync(string name)
    {
        var store = await _server.OpenStoreAsync();
        return Assert.Single(await store.ListSigningKeysAsync(CancellationToken.None), k => k.Name == name);
    }

    private async Task<byte[]> OpenPrivateKeyAsync(string name)
    {
        var record = await StoredKeyAsync(name);
        var master = MasterKeys.Open(_server.Server.Options.DataDirectory, _ => null).Find(record.MasterKeyId!)!;
        return SigningKeySeal.Open(master, name, record.PrivateKey!);
    }
}
