using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Slipway.Store;

/// <summary>
/// Secrets (see <see cref="IStore"/>): a row per secret with its keys' versions, and a row per kept value, ciphertext only.
/// </summary>
/// <remarks>
/// Which values are kept: each key's current value, and every value a stored revision or a desired spec of the
/// environment pins (<c>secretKeyRef</c> with that name, key and version, wherever it sits in the template or spec).
/// The others are deleted in the transaction that makes them unneeded — a new version of the secret, revisions deleted
/// by housekeeping, an app deleted — so a secret keeps at most one value per key for each revision the history limits
/// let live, plus the current one.
/// </remarks>
public sealed partial class SqliteStore
{
    /// <summary>
    /// The (name, key, version) every revision and desired spec of an environment pins: any JSON object under a
    /// <c>secretKeyRef</c> key, so env entries of hooks count as an app's own do.
    /// </summary>
    private const string PinnedSecretValues = """
        pinned AS (
            SELECT json_extract(t.value, '$.name') AS name, json_extract(t.value, '$.key') AS key, json_extract(t.value, '$.version') AS version
            FROM revisions r, json_tree(r.template) t WHERE r.env = $env AND t.key = 'secretKeyRef' AND t.type = 'object'
            UNION
            SELECT json_extract(t.value, '$.name'), json_extract(t.value, '$.key'), json_extract(t.value, '$.version')
            FROM apps a, json_tree(a.spec) t WHERE a.env = $env AND t.key = 'secretKeyRef' AND t.type = 'object')
        """;

    public async Task<IReadOnlyList<SecretRecord>> ListSecretsAsync(string? environment, CancellationToken ct)
    {
        await using var connection = await OpenConnectionAsync(ct);
        return await QueryAsync(
            connection,
            "SELECT env, name, version, keys, updated_at, updated_by, deleted FROM secrets WHERE $env IS NULL OR env = $env ORDER BY env, name",
            [("$env", environment)],
            r => new SecretRecord(r.GetString(0), r.GetString(1), r.GetInt32(2), ReadKeys(r.GetString(3)), ReadTime(r, 4), r.GetString(5)) { Deleted = r.GetInt32(6) != 0 },
            ct);
    }

    public async Task<IReadOnlyList<SecretValueRecord>> ListSecretValuesAsync(CancellationToken ct)
    {
        await using var connection = await OpenConnectionAsync(ct);
        return await QueryAsync(
            connection,
            "SELECT env, name, key, version, key_id, ciphertext FROM secret_values ORDER BY env, name, key, version",
            [],
            r => new SecretValueRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt32(3), r.GetString(4), (byte[])r.GetValue(5)),
            ct);
    }

    public async Task<bool> SaveSecretAsync(SecretRecord secret, int previousVersion, IReadOnlyList<SecretValueRecord> newValues, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(newValues);
        await using var connection = await OpenConnectionAsync(ct);
        // IMMEDIATE: the version read below cannot change before this transaction writes.
        await using var transaction = connection.BeginTransaction(deferred: false);
        var stored = await QueryAsync(connection, "SELECT version FROM secrets WHERE env = $env AND name = $name",
            [("$env", secret.Environment), ("$name", secret.Name)], r => r.GetInt32(0), ct);
        if ((stored.Count == 0 ? 0 : stored[0]) != previousVersion)
        {
            return false;
        }

        await ExecuteAsync(connection, transaction,
            """
            INSERT INTO secrets (env, name, version, keys, updated_at, updated_by, deleted) VALUES ($env, $name, $version, $keys, $updated, $by, $deleted)
            ON CONFLICT (env, name) DO UPDATE SET version = excluded.version, keys = excluded.keys, updated_at = excluded.updated_at,
                updated_by = excluded.updated_by, deleted = excluded.deleted
            """,
            [
                ("$env", secret.Environment), ("$name", secret.Name), ("$version", secret.Version), ("$keys", JsonSerializer.Serialize(secret.Keys)),
                ("$updated", secret.UpdatedAt.ToString("O")), ("$by", secret.UpdatedBy), ("$deleted", secret.Deleted ? 1 : 0),
            ],
            ct);
        foreach (var value in newValues)
        {
            await ExecuteAsync(connection, transaction,
                "INSERT INTO secret_values (env, name, key, version, key_id, ciphertext) VALUES ($env, $name, $key, $version, $keyId, $ciphertext)",
                [("$env", value.Environment), ("$name", value.Name), ("$key", value.Key), ("$version", value.Version), ("$keyId", value.KeyId), ("$ciphertext", value.Ciphertext)],
                ct);
        }

        await PruneSecretValuesAsync(connection, transaction, secret.Environment, ct);
        await transaction.CommitAsync(ct);
        return true;
    }

    public async Task<SecretDeletion> DeleteSecretAsync(string environment, string name, bool force, string actor, CancellationToken ct)
    {
        await using var connection = await OpenConnectionAsync(ct);
        // IMMEDIATE: the version read below cannot change before this transaction writes.
        await using var transaction = connection.BeginTransaction(deferred: false);
        var exists = await QueryAsync(connection, "SELECT 1 FROM secrets WHERE env = $env AND name = $name AND deleted = 0",
            [("$env", environment), ("$name", name)], r => r.GetInt32(0), ct);
        if (exists.Count == 0)
        {
            return new SecretDeletion(SecretDeletionOutcome.NotFound, []);
        }

        var users = await QueryAsync(
            connection,
            """
            SELECT DISTINCT a.app FROM apps a, json_tree(a.spec) t
            WHERE a.env = $env AND t.key = 'secretKeyRef' AND t.type = 'object' AND json_extract(t.value, '$.name') = $name
            ORDER BY a.app
            """,
            [("$env", environment), ("$name", name)],
            r => r.GetString(0),
            ct);
        if (users.Count > 0 && !force)
        {
            return new SecretDeletion(SecretDeletionOutcome.InUse, users);
        }

        await ExecuteAsync(connection, transaction, "DELETE FROM secret_values WHERE env = $env AND name = $name", [("$env", environment), ("$name", name)], ct);
        await ExecuteAsync(connection, transaction,
            "UPDATE secrets SET version = version + 1, keys = '{}', deleted = 1, updated_at = $now, updated_by = $by WHERE env = $env AND name = $name",
            [("$env", environment), ("$name", name), ("$now", _time.GetUtcNow().ToString("O")), ("$by", actor)],
            ct);
        await transaction.CommitAsync(ct);
        return new SecretDeletion(SecretDeletionOutcome.Deleted, users);
    }

    public async Task<int> ReencryptSecretValuesAsync(IReadOnlyList<SecretValueRecord> values, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(values);
        await using var connection = await OpenConnectionAsync(ct);
        // IMMEDIATE: the version read below cannot change before this transaction writes.
        await using var transaction = connection.BeginTransaction(deferred: false);
        var replaced = 0;
        foreach (var value in values)
        {
            replaced += await ExecuteAsync(connection, transaction,
                "UPDATE secret_values SET key_id = $keyId, ciphertext = $ciphertext WHERE env = $env AND name = $name AND key = $key AND version = $version",
                [("$env", value.Environment), ("$name", value.Name), ("$key", value.Key), ("$version", value.Version), ("$keyId", value.KeyId), ("$ciphertext", value.Ciphertext)],
                ct);
        }

        await transaction.CommitAsync(ct);
        return replaced;
    }

    /// <summary>
    /// Deletes the values of <paramref name="environment"/>'s secrets that are neither a key's current value nor pinned
    /// by a revision or a desired spec of the environment (see the remarks of this class).
    /// </summary>
    private static Task<int> PruneSecretValuesAsync(SqliteConnection connection, SqliteTransaction transaction, string environment, CancellationToken ct) =>
        ExecuteAsync(connection, transaction,
            $"""
            WITH {PinnedSecretValues}
            DELETE FROM secret_values WHERE env = $env
            AND NOT EXISTS (
                SELECT 1 FROM secrets s, json_each(s.keys) k
                WHERE s.env = secret_values.env AND s.name = secret_values.name AND k.key = secret_values.key AND k.value = secret_values.version)
            AND NOT EXISTS (
                SELECT 1 FROM pinned p WHERE p.name = secret_values.name AND p.key = secret_values.key AND p.version = secret_values.version)
            """,
            [("$env", environment)],
            ct);

    private static IReadOnlyDictionary<string, int> ReadKeys(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, int>>(json) ?? throw new InvalidDataException("stored secret keys are null");
}
