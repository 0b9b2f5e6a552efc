using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Slipway.Core.Spec;
using Slipway.Store;

namespace Slipway.Server.Secrets;

/// <summary>
/// The secrets of every environment: encrypted with the master key before they reach the store, decrypted in memory
/// only. It is the one place values come from (<see cref="ResolveAsync"/>) and the one that knows what to take out of
/// text (<see cref="Redact"/>), over every kept version. Changes (set, delete, a key rotation) go one at a time, and
/// each one rebuilds the in-memory view from the store, so what is resolved and redacted is always what is stored.
/// </summary>
/// <remarks>
/// A value that does not decrypt (a key this server does not have, a wrong key, a changed ciphertext) is never fatal:
/// it is left out of the view, logged by secret and key at start, and every use of it fails with a message saying so
/// (<see cref="DescribeMissing"/>).
/// </remarks>
/// <remarks>
/// Slipway keeps its own secrets here too: registry logins, in <see cref="ReservedScope"/>, a scope no environment can
/// be named (environment names are DNS labels, which hold no '_'), reached only through the <c>*Reserved*</c> methods
/// and never listed, resolved or deleted as an environment's; and the private halves of signing keys, which the store
/// keeps beside their public keys, sealed with the same master keys (<see cref="Images.SigningKeySeal"/>) and
/// re-encrypted with the secret values by a rotation.
/// </remarks>
internal sealed partial class SecretVault(IStore store, MasterKeys keys, TimeProvider time, ILogger<SecretVault> logger) : ISecretLookup
{
    /// <summary>The most a secret may hold, its values together (Kubernetes' limit for a Secret).</summary>
    public const int MaxSecretBytes = 1024 * 1024;

    /// <summary>The scope of the server's own secrets (registry logins): not a DNS label, so no environment's name.</summary>
    public const string ReservedScope = "_registries";

    private readonly SemaphoreSlim _writes = new(1, 1);
    private volatile VaultView _view = VaultView.Empty;

    /// <summary>Where the master keys come from (the variable or the key file), for messages.</summary>
    public string KeySource => keys.Source;

    /// <summary>
    /// At server start, before any instance is started or adopted: values a previous key encrypted are re-encrypted
    /// under the current one (the second half of a rotation — an interrupted one, or one made by changing
    /// <c>SLIPWAY_MASTER_KEY</c>), keys no value needs any more leave the key file, and the view is built.
    /// </summary>
    public async Task StartAsync(CancellationToken ct)
    {
        await _writes.WaitAsync(ct);
        try
        {
            await ReencryptAsync(ct);
            await RefreshAsync(ct);
            foreach (var (place, reason) in _view.Unreadable)
            {
                Log.Unreadable(logger, place.Key, place.Name, place.Version, place.Environment, reason);
            }

            Log.Started(logger, _view.Values.Count, keys.Current?.Id ?? "none yet", keys.Source);
            if (keys.IgnoredFile is { } ignored)
            {
                Log.KeyFileIgnored(logger, ignored, MasterKeys.Variable);
            }
        }
        finally
        {
            _writes.Release();
        }
    }

    /// <summary>The secrets of <paramref name="environment"/> (null: every one) as they are now; deleted ones left out.</summary>
    public IReadOnlyList<SecretRecord> List(string? environment) =>
        [.. _view.Secrets.Values.Where(s => s.Environment != ReservedScope && (environment is null || s.Environment == environment)).OrderBy(s => s.Environment, StringComparer.Ordinal).ThenBy(s => s.Name, StringComparer.Ordinal)];

    /// <summary>
    /// Sets keys of a secret (made when there is none) and removes others, as one new version; a key given the value it
    /// has already is not changed, and a set that changes nothing makes no version.
    /// </summary>
    public Task<(SecretChange? Change, SecretProblem? Problem)> SetAsync(
        string environment, string name, IReadOnlyDictionary<string, string> data, IReadOnlyList<string> remove, string actor, CancellationToken ct) =>
        CheckSet(environment, name, data, remove) is { } invalid
            ? Task.FromResult<(SecretChange?, SecretProblem?)>((null, invalid))
            : SetCheckedAsync(environment, name, data, remove, actor, ct);

    /// <summary>
    /// Sets keys of a secret of <see cref="ReservedScope"/> (the server's own: a registry login), as <see cref="SetAsync"/>
    /// does an environment's: encrypted, versioned, redacted from every text.
    /// </summary>
    public Task<(SecretChange? Change, SecretProblem? Problem)> SetReservedAsync(
        string name, IReadOnlyDictionary<string, string> data, IReadOnlyList<string> remove, string actor, CancellationToken ct) =>
        CheckSet("reserved", name, data, remove) is { } invalid
            ? Task.FromResult<(SecretChange?, SecretProblem?)>((null, invalid))
            : SetCheckedAsync(ReservedScope, name, data, remove, actor, ct);

    /// <summary>The secrets of <see cref="ReservedScope"/>, as they are now.</summary>
    public IReadOnlyList<SecretRecord> ListReserved() =>
        [.. _view.Secrets.Values.Where(s => s.Environment == ReservedScope).OrderBy(s => s.Name, StringComparer.Ordinal)];

    /// <summary>
    /// The current values of a secret of <see cref="ReservedScope"/> by key (those that decrypt); null when there is no
    /// such secret.
    /// </summary>
    public IReadOnlyDictionary<string, string>? ReadReserved(string name)
    {
        var view = _view;
        if (!view.Secrets.TryGetValue((ReservedScope, name), out var secret))
        {
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, version) in secret.Keys)
        {
            if (view.Values.TryGetValue(new SecretPlace(ReservedScope, name, key, version), out var value))
            {
                values[key] = value;
            }
        }

        return values;
    }

    /// <summary>Deletes a secret of <see cref="ReservedScope"/> with every version.</summary>
    public Task<SecretDeletion> DeleteReservedAsync(string name, string actor, CancellationToken ct) => DeleteCheckedAsync(ReservedScope, name, force: true, actor, ct);

    /// <summary>
    /// Runs <paramref name="write"/> with the master key that encrypts now (made when there is none), while no rotation
    /// can run: what it seals with that key is stored before a rotation lists what to re-encrypt, so nothing is left
    /// under a key a rotation retires. The signing keys' way to seal their private halves.
    /// </summary>
    public async Task<T> WithCurrentKeyAsync<T>(Func<MasterKey, Task<T>> write, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(write);
        await _writes.WaitAsync(ct);
        try
        {
            return await write(keys.CurrentOrCreate());
        }
        finally
        {
            _writes.Release();
        }
    }

    /// <summary>The master key of this id, to open what it sealed; null when this server does not have it.</summary>
    public MasterKey? FindKey(string id) => keys.Find(id);

    private async Task<(SecretChange? Change, SecretProblem? Problem)> SetCheckedAsync(
        string environment, string name, IReadOnlyDictionary<string, string> data, IReadOnlyList<string> remove, string actor, CancellationToken ct)
    {
        await _writes.WaitAsync(ct);
        try
        {
            var stored = (await store.ListSecretsAsync(environment, ct)).FirstOrDefault(s => s.Name == name);
            var live = stored is { Deleted: false } ? stored : null;
            if (live is null && data.Count == 0)
            {
                return (null, new SecretProblem($"there is no secret {name} in environment {environment}", SecretProblemKind.NotFound));
            }

            var view = _view;
            var version = (stored?.Version ?? 0) + 1;
            var current = new Dictionary<string, int>(live?.Keys ?? new Dictionary<string, int>(), StringComparer.Ordinal);
            var next = new Dictionary<string, int>(current, StringComparer.Ordinal);
            var changed = new List<string>();
            var values = new List<SecretValueRecord>();
            MasterKey? key = null;
            foreach (var (k, value) in data.OrderBy(d => d.Key, StringComparer.Ordinal))
            {
                if (current.TryGetValue(k, out var at) && view.Values.TryGetValue(new SecretPlace(environment, name, k, at), out var old) && old == value)
                {
                    continue;
                }

                key ??= keys.CurrentOrCreate();
                var place = new SecretPlace(environment, name, k, version);
                values.Add(new SecretValueRecord(environment, name, k, version, key.Id, SecretCipher.Encrypt(key, place, value)));
                next[k] = version;
                changed.Add(k);
            }

            var removed = remove.Where(next.Remove).Order(StringComparer.Ordinal).ToList();
            if (changed.Count == 0 && removed.Count == 0)
            {
                return (new SecretChange(live!, [], []), null);
            }

            var secret = new SecretRecord(environment, name, version, next, time.GetUtcNow(), actor);
            if (!await store.SaveSecretAsync(secret, stored?.Version ?? 0, values, ct))
            {
                // Writes go one at a time here: another writer means another server on the same store.
                return (null, new SecretProblem($"secret {name} in environment {environment} was changed by someone else meanwhile: try again", SecretProblemKind.Conflict));
            }

            await RefreshAsync(ct);
            Log.Set(logger, name, environment, version, string.Join(", ", changed), string.Join(", ", removed), actor);
            return (new SecretChange(secret, changed, removed), null);
        }
        finally
        {
            _writes.Release();
        }
    }

    /// <summary>Deletes a secret with every version; refused while apps of the environment refer to it, unless forced.</summary>
    public Task<SecretDeletion> DeleteAsync(string environment, string name, bool force, string actor, CancellationToken ct) =>
        environment == ReservedScope
            ? Task.FromResult(new SecretDeletion(SecretDeletionOutcome.NotFound, []))
            : DeleteCheckedAsync(environment, name, force, actor, ct);

    private async Task<SecretDeletion> DeleteCheckedAsync(string environment, string name, bool force, string actor, CancellationToken ct)
    {
        await _writes.WaitAsync(ct);
        try
        {
            var deletion = await store.DeleteSecretAsync(environment, name, force, actor, ct);
            if (deletion.Outcome == SecretDeletionOutcome.Deleted)
            {
                await RefreshAsync(ct);
                Log.Deleted(logger, name, environment, string.Join(", ", deletion.UsedBy), actor);
            }

            return deletion;
        }
        finally
        {
            _writes.Release();
        }
    }

    /// <summary>
    /// A new master key: written to the key file beside the old one, then every stored value re-encrypted under it in
    /// one store transaction, then the old key retired from the file. A crash before the transaction leaves the values
    /// under the old key, still in the file (the next start finishes the rotation); after it, under the new one.
    /// </summary>
    public async Task<(KeyRotation? Rotation, SecretProblem? Problem)> RotateKeyAsync(CancellationToken ct)
    {
        if (keys.FromEnvironment)
        {
            return (null, new SecretProblem(
                $"the master key comes from {MasterKeys.Variable}: to rotate it, set the new key in {MasterKeys.Variable} and the old one in "
                + $"{MasterKeys.PreviousVariable}, and restart the server; it re-encrypts every value at start (see docs/secrets.md)",
                SecretProblemKind.Conflict));
        }

        await _writes.WaitAsync(ct);
        try
        {
            var next = MasterKey.Generate();
            keys.Adopt(next);
            var (reencrypted, retired) = await ReencryptAsync(ct);
            await RefreshAsync(ct);
            Log.Rotated(logger, next.Id, reencrypted, retired.Count == 0 ? "none" : string.Join(", ", retired));
            return (new KeyRotation(next.Id, retired, reencrypted), null);
        }
        finally
        {
            _writes.Release();
        }
    }

    public Task<IReadOnlyDictionary<SecretKeyRef, SecretValue>> ResolveAsync(string environment, IReadOnlyCollection<SecretKeyRef> refs, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(refs);
        var view = _view;
        var found = new Dictionary<SecretKeyRef, SecretValue>();
        foreach (var reference in environment == ReservedScope ? [] : refs)
        {
            if (view.Find(environment, reference) is { } place && view.Values.TryGetValue(place, out var value))
            {
                found[reference] = new SecretValue(value, place.Version);
            }
        }

        return Task.FromResult<IReadOnlyDictionary<SecretKeyRef, SecretValue>>(found);
    }

    public string Redact(string text) => _view.Redactor.Redact(text);

    public string DescribeMissing(string environment, SecretKeyRef reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var view = _view;
        if (view.Find(environment, reference) is { } place)
        {
            return view.Unreadable.TryGetValue(place, out var reason)
                ? $"the value of {place} cannot be decrypted: {reason}"
                : view.Values.ContainsKey(place) ? $"{place} is readable" : $"secret {reference.Name} has no version {place.Version} of key {reference.Key} in environment {environment} any more";
        }

        return !view.Secrets.TryGetValue((environment, reference.Name), out var secret) ? $"there is no secret {reference.Name} in environment {environment}"
            : !secret.Keys.ContainsKey(reference.Key) ? $"secret {reference.Name} has no key {reference.Key} in environment {environment}"
            : $"secret {reference.Name} has no version {reference.Version} of key {reference.Key} in environment {environment} any more";
    }

    /// <summary>
    /// Re-encrypts under the current key every value another key encrypted (and that decrypts), in one store
    /// transaction, then retires the keys no value needs any more. Called with the write lock held.
    /// </summary>
    private async Task<(int Reencrypted, IReadOnlyList<string> Retired)> ReencryptAsync(CancellationToken ct)
    {
        var values = await store.ListSecretValuesAsync(ct);
        var current = keys.Current;
        var reencrypted = new List<SecretValueRecord>();
        if (current is not null)
        {
            foreach (var value in values.Where(v => v.KeyId != current.Id))
            {
                var place = new SecretPlace(value.Environment, value.Name, value.Key, value.Version);
                if (keys.Find(value.KeyId) is not { } old || TryDecrypt(old, place, value.Ciphertext) is not { } plaintext)
                {
                    continue; // left as it is: reported as unreadable by the view, and its key (if any) is kept
                }

                reencrypted.Add(value with { KeyId = current.Id, Ciphertext = SecretCipher.Encrypt(current, place, plaintext) });
            }
        }

        if (reencrypted.Count > 0)
        {
            await store.ReencryptSecretValuesAsync(reencrypted, ct);
            values = await store.ListSecretValuesAsync(ct);
        }

        // The signing keys' private halves, the same way: a key kept until nothing it sealed is left.
        var signingKeys = await store.ListSigningKeysAsync(ct);
        var resealed = new List<SigningKeyRecord>();
        if (current is not null)
        {
            foreach (var signingKey in signingKeys.Where(k => k.PrivateKey is not null && k.MasterKeyId != current.Id))
            {
                if (keys.Find(signingKey.MasterKeyId ?? "") is not { } old || TryReseal(old, current, signingKey) is not { } sealedKey)
                {
                    continue; // left as it is: signing with it says why it cannot be opened, and its key (if any) is kept
                }

                resealed.Add(signingKey with { PrivateKey = sealedKey, MasterKeyId = current.Id });
            }
        }

        if (resealed.Count > 0)
        {
            await store.ReencryptSigningKeysAsync(resealed, ct);
            signingKeys = await store.ListSigningKeysAsync(ct);
        }

        var needed = values.Select(v => v.KeyId).Concat(signingKeys.Select(k => k.MasterKeyId).OfType<string>()).ToHashSet(StringComparer.Ordinal);
        var retired = keys.Retire(needed);
        if (reencrypted.Count > 0 || retired.Count > 0)
        {
            Log.Reencrypted(logger, reencrypted.Count, current?.Id ?? "", retired.Count == 0 ? "none" : string.Join(", ", retired));
        }

        if (resealed.Count > 0)
        {
            Log.SigningKeysResealed(logger, resealed.Count, current!.Id);
        }

        return (reencrypted.Count + resealed.Count, retired);
    }

    /// <summary>Rebuilds the view from the store: every kept value decrypted, or the reason it is not.</summary>
    private async Task RefreshAsync(CancellationToken ct)
    {
        var secrets = await store.ListSecretsAsync(null, ct);
        var values = new Dictionary<SecretPlace, string>();
        var unreadable = new Dictionary<SecretPlace, string>();
        foreach (var value in await store.ListSecretValuesAsync(ct))
        {
            var place = new SecretPlace(value.Environment, value.Name, value.Key, value.Version);
            if (keys.Find(value.KeyId) is not { } key)
            {
                unreadable[place] = $"it was encrypted with master key {value.KeyId}, which this server does not have ({keys.Source}; see docs/secrets.md)";
            }
            else if (TryDecrypt(key, place, value.Ciphertext) is { } plaintext)
            {
                values[place] = plaintext;
            }
            else
            {
                unreadable[place] = $"it does not decrypt with master key {key.Id}: the stored ciphertext was changed or belongs elsewhere";
            }
        }

        var live = secrets.Where(s => !s.Deleted).ToDictionary(s => (s.Environment, s.Name));
        var redactor = SecretRedactor.For(values
            .OrderBy(v => v.Key.Environment, StringComparer.Ordinal).ThenBy(v => v.Key.Name, StringComparer.Ordinal)
            .ThenBy(v => v.Key.Key, StringComparer.Ordinal).ThenByDescending(v => v.Key.Version)
            .Select(v => (v.Value, SecretRedactor.MarkFor(v.Key.Name, v.Key.Key))));
        _view = new VaultView(live, values, unreadable, redactor);
    }

    private static byte[]? TryReseal(MasterKey old, MasterKey current, SigningKeyRecord signingKey)
    {
        try
        {
            var pkcs8 = Images.SigningKeySeal.Open(old, signingKey.Name, signingKey.PrivateKey!);
            try
            {
                return Images.SigningKeySeal.Seal(current, signingKey.Name, pkcs8);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(pkcs8);
            }
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return null;
        }
    }

    private static string? TryDecrypt(MasterKey key, SecretPlace place, byte[] ciphertext)
    {
        try
        {
            return SecretCipher.Decrypt(key, place, ciphertext);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static SecretProblem? CheckSet(string environment, string name, IReadOnlyDictionary<string, string> data, IReadOnlyList<string> remove)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(remove);
        var problems = new List<string>();
        if (SecretNames.CheckName(environment) is { } envProblem)
        {
            problems.Add($"environment '{environment}': {envProblem}");
        }

        if (SecretNames.CheckName(name) is { } nameProblem)
        {
            problems.Add($"secret name '{name}': {nameProblem}");
        }

        if (data.Count == 0 && remove.Count == 0)
        {
            problems.Add("nothing to do: give at least one key to set (data) or to remove (remove)");
        }

        long bytes = 0;
        foreach (var (key, value) in data.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            if (SecretNames.CheckKey(key) is { } keyProblem)
            {
                problems.Add($"key '{key}': {keyProblem}");
            }

            // Only the key is named: an error must never carry a value, not even part of it.
            if (value is null)
            {
                problems.Add($"key {key}: the value is null; give a string (\"\" for empty)");
            }
            else if (value.Contains('\0', StringComparison.Ordinal))
            {
                problems.Add($"key {key}: the value holds a NUL character, which an environment variable cannot hold");
            }
            else
            {
                bytes += System.Text.Encoding.UTF8.GetByteCount(value);
            }
        }

        foreach (var key in remove)
        {
            if (key is null || SecretNames.CheckKey(key) is not null)
            {
                problems.Add($"remove: '{key}' is not a key ({(key is null ? "null" : SecretNames.CheckKey(key))})");
            }
            else if (data.ContainsKey(key))
            {
                problems.Add($"key {key} is both set and removed");
            }
        }

        if (bytes > MaxSecretBytes)
        {
            problems.Add($"the values add up to {bytes} bytes; a secret holds at most {MaxSecretBytes} (1 MiB)");
        }

        return problems.Count == 0 ? null : new SecretProblem(string.Join("; ", problems), SecretProblemKind.Invalid);
    }

    /// <summary>What the vault holds in memory: the live secrets, every decrypted value by place, those that do not decrypt, the redactor.</summary>
    private sealed record VaultView(
        IReadOnlyDictionary<(string Environment, string Name), SecretRecord> Secrets,
        IReadOnlyDictionary<SecretPlace, string> Values,
        IReadOnlyDictionary<SecretPlace, string> Unreadable,
        SecretRedactor Redactor)
    {
        public static readonly VaultView Empty = new(new Dictionary<(string, string), SecretRecord>(), new Dictionary<SecretPlace, string>(), new Dictionary<SecretPlace, string>(), SecretRedactor.Empty);

        /// <summary>The place a reference names: its pinned version, or the key's current one; null when there is none.</summary>
        public SecretPlace? Find(string environment, SecretKeyRef reference)
        {
            if (reference.Version is { } pinned)
            {
                var place = new SecretPlace(environment, reference.Name, reference.Key, pinned);
                return Values.ContainsKey(place) || Unreadable.ContainsKey(place) ? place : null;
            }

            return Secrets.TryGetValue((environment, reference.Name), out var secret) && secret.Keys.TryGetValue(reference.Key, out var version)
                ? new SecretPlace(environment, reference.Name, reference.Key, version)
                : null;
        }

        public override string ToString() => $"VaultView({Values.Count} values)";
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Secrets: {Count} values readable; master key {KeyId} ({Source})")]
        public static partial void Started(ILogger logger, int count, string keyId, string source);

        [LoggerMessage(2, LogLevel.Error, "Secrets: key {Key} of secret {Name} (version {Version}) in environment {Environment} cannot be decrypted: {Reason}")]
        public static partial void Unreadable(ILogger logger, string key, string name, int version, string environment, string reason);

        [LoggerMessage(3, LogLevel.Information, "Secret {Name} in environment {Environment}: version {Version} (changed: {Changed}; removed: {Removed}) by {Actor}")]
        public static partial void Set(ILogger logger, string name, string environment, int version, string changed, string removed, string actor);

        [LoggerMessage(4, LogLevel.Information, "Secret {Name} in environment {Environment} deleted by {Actor} (apps referring to it: {UsedBy})")]
        public static partial void Deleted(ILogger logger, string name, string environment, string usedBy, string actor);

        [LoggerMessage(5, LogLevel.Information, "Master key rotated to {KeyId}: {Count} values re-encrypted; retired: {Retired}")]
        public static partial void Rotated(ILogger logger, string keyId, int count, string retired);

        [LoggerMessage(6, LogLevel.Information, "Secrets: {Count} values re-encrypted under master key {KeyId}; keys retired: {Retired}")]
        public static partial void Reencrypted(ILogger logger, int count, string keyId, string retired);

        [LoggerMessage(7, LogLevel.Warning, "Secrets: the key file {Path} is not used while {Variable} is set; keep it until every value it encrypted was re-encrypted (docs/secrets.md)")]
        public static partial void KeyFileIgnored(ILogger logger, string path, string variable);

        [LoggerMessage(8, LogLevel.Information, "Signing keys: {Count} private keys re-encrypted under master key {KeyId}")]
        public static partial void SigningKeysResealed(ILogger logger, int count, string keyId);
    }
}
