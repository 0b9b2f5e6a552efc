using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Slipway.Core.Spec;
using Slipway.Oci.Signing;
using Slipway.Server.Secrets;
using Slipway.Store;

namespace Slipway.Server.Images;

/// <summary>
/// The server's signing keys (<c>slipway keys</c>): ECDSA P-256 key pairs it generates, whose private halves never leave
/// it, and public keys imported from elsewhere (a <c>cosign.pub</c>), trusted for verification only. A private key is
/// kept sealed with the vault's master key (<see cref="SigningKeySeal"/>), opened in memory for one signature and
/// disposed; no answer, log line or message ever carries it.
/// </summary>
/// <remarks>
/// Keys are named by DNS labels, the names image policies use (<c>spec.signatures.keys</c>), and shown with their key
/// id (sha256 of the DER public key, what cosign and openssl compute). A public key is imported once: a second name for
/// the same key would let a policy seem to ask for two signers where there is one.
/// </remarks>
internal sealed partial class SigningKeys(IStore store, SecretVault vault, TimeProvider time, ILogger<SigningKeys> logger)
{
    public Task<IReadOnlyList<SigningKeyRecord>> ListAsync(CancellationToken ct) => store.ListSigningKeysAsync(ct);

    public async Task<SigningKeyRecord?> GetAsync(string name, CancellationToken ct) =>
        (await store.ListSigningKeysAsync(ct)).FirstOrDefault(k => k.Name == name);

    /// <summary>A new key pair named <paramref name="name"/>: the private half sealed and stored, the public half returned.</summary>
    public async Task<(SigningKeyRecord? Key, ImageProblem? Problem)> GenerateAsync(string name, string actor, CancellationToken ct)
    {
        if (CheckName(name) is { } invalid)
        {
            return (null, invalid);
        }

        using var key = SigningKey.Generate();
        var pkcs8 = key.ExportPkcs8();
        try
        {
            // Sealed and stored while no rotation runs: a rotation then finds it under the key that sealed it.
            var record = await vault.WithCurrentKeyAsync(
                async master =>
                {
                    var sealedKey = SigningKeySeal.Seal(master, name, pkcs8);
                    var record = new SigningKeyRecord(name, key.PublicKey.Pem, key.KeyId, sealedKey, master.Id, time.GetUtcNow(), actor);
                    return await store.AddSigningKeyAsync(record, ct) ? record : null;
                },
                ct);
            if (record is null)
            {
                return (null, Taken(name));
            }

            Log.Generated(logger, name, key.PublicKey.ShortKeyId, actor);
            return (record, null);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    /// <summary>A public key (PEM <c>PUBLIC KEY</c>, ECDSA P-256) trusted under <paramref name="name"/>, for verification only.</summary>
    public async Task<(SigningKeyRecord? Key, ImageProblem? Problem)> ImportAsync(string name, string publicKeyPem, string actor, CancellationToken ct)
    {
        if (CheckName(name) is { } invalid)
        {
            return (null, invalid);
        }

        if (!VerificationKey.TryFromPem(publicKeyPem, out var key, out var error))
        {
            return (null, ImageProblem.Invalid($"the public key for {name} cannot be used: {error}"));
        }

        var existing = await store.ListSigningKeysAsync(ct);
        if (existing.FirstOrDefault(k => k.KeyId == key.KeyId && k.Name != name) is { } same)
        {
            return (null, ImageProblem.Conflict($"this public key ({key.ShortKeyId}) is already trusted as {same.Name}: name it {same.Name} where it is needed"));
        }

        var record = new SigningKeyRecord(name, key.Pem, key.KeyId, null, null, time.GetUtcNow(), actor);
        if (!await store.AddSigningKeyAsync(record, ct))
        {
            return (null, Taken(name));
        }

        Log.Imported(logger, name, key.ShortKeyId, actor);
        return (record, null);
    }

    public async Task<bool> DeleteAsync(string name, string actor, CancellationToken ct)
    {
        var deleted = await store.DeleteSigningKeyAsync(name, ct);
        if (deleted)
        {
            Log.Deleted(logger, name, actor);
        }

        return deleted;
    }

    /// <summary>
    /// The private key of <paramref name="record"/>, opened for signing; the caller disposes it. A problem when the key
    /// is public only, or its seal cannot be opened (a master key this server does not have, a changed record).
    /// </summary>
    public (SigningKey? Key, ImageProblem? Problem) Open(SigningKeyRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.PrivateKey is null || record.MasterKeyId is null)
        {
            return (null, ImageProblem.Conflict(
                $"key {record.Name} ({record.KeyId[..12]}) was imported as a public key: it verifies signatures but cannot make them; sign with a key made by `slipway keys generate`"));
        }

        if (vault.FindKey(record.MasterKeyId) is not { } master)
        {
            return (null, ImageProblem.Conflict($"the private key of {record.Name} was sealed with master key {record.MasterKeyId}, which this server does not have ({vault.KeySource}; see docs/secrets.md)"));
        }

        byte[]? pkcs8 = null;
        try
        {
            pkcs8 = SigningKeySeal.Open(master, record.Name, record.PrivateKey);
            var key = SigningKey.FromPkcs8(pkcs8);
            if (key.KeyId != record.KeyId)
            {
                key.Dispose();
                return (null, ImageProblem.Conflict($"the private key stored for {record.Name} does not match its public key {record.KeyId[..12]}: the store was changed"));
            }

            return (key, null);
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            // Not e.Message: nothing about the key's bytes goes into a message.
            return (null, ImageProblem.Conflict($"the private key of {record.Name} does not open with master key {record.MasterKeyId}: the stored key was changed or belongs elsewhere"));
        }
        finally
        {
            if (pkcs8 is not null)
            {
                CryptographicOperations.ZeroMemory(pkcs8);
            }
        }
    }

    /// <summary>
    /// The keys named (every key the server holds when <paramref name="names"/> is empty) as trusted keys, and the
    /// names it does not hold.
    /// </summary>
    public async Task<(IReadOnlyList<TrustedKey> Keys, IReadOnlyList<string> Unknown)> TrustedAsync(IReadOnlyList<string> names, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(names);
        var held = await store.ListSigningKeysAsync(ct);
        var chosen = names.Count == 0 ? held : [.. held.Where(k => names.Contains(k.Name, StringComparer.Ordinal))];
        var unknown = names.Where(n => held.All(k => k.Name != n)).Distinct(StringComparer.Ordinal).ToList();
        return ([.. chosen.Select(k => new TrustedKey(k.Name, VerificationKey.FromPem(k.PublicKeyPem)))], unknown);
    }

    /// <summary>A key's name: a DNS label, as image policies name keys.</summary>
    public static ImageProblem? CheckName(string name) =>
        string.IsNullOrEmpty(name) ? ImageProblem.Invalid("a key needs a name (a DNS label, e.g. release-key)")
        : SecretNames.CheckName(name) is { } problem ? ImageProblem.Invalid($"key name '{name}': {problem}")
        : null;

    private static ImageProblem Taken(string name) =>
        ImageProblem.Conflict($"there is a key named {name} already: delete it first (`slipway keys delete {name}`), or choose another name");

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Signing key {Name} ({KeyId}) generated by {Actor}")]
        public static partial void Generated(ILogger logger, string name, string keyId, string actor);

        [LoggerMessage(2, LogLevel.Information, "Public key {Name} ({KeyId}) imported by {Actor}, for verification only")]
        public static partial void Imported(ILogger logger, string name, string keyId, string actor);

        [LoggerMessage(3, LogLevel.Information, "Signing key {Name} deleted by {Actor}")]
        public static partial void Deleted(ILogger logger, string name, string actor);
    }
}
