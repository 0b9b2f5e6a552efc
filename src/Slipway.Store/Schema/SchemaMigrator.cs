using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Slipway.Store.Schema;

/// <summary>
/// Brings a store's schema forward to the newest version this Slipway knows, and refuses one written
/// by a newer Slipway. The version is the database's <c>PRAGMA user_version</c> (0 for a new file and
/// for a database written before versions, which migration 1 adopts).
/// </summary>
internal sealed class SchemaMigrator
{
    private readonly string _path;
    private readonly IReadOnlyList<Migration> _migrations;

    public SchemaMigrator(string path, IReadOnlyList<Migration> migrations)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(migrations);
        if (migrations.Count == 0)
        {
            throw new ArgumentException("there must be at least one migration", nameof(migrations));
        }

        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new ArgumentException($"migration {migrations[i]} is entry {i + 1}: versions must be 1, 2, 3 … in order", nameof(migrations));
            }
        }

        _path = path;
        _migrations = migrations;
    }

    /// <summary>The newest schema version this Slipway knows.</summary>
    public int Latest => _migrations.Count;

    /// <summary>
    /// Refuses a store written by a newer Slipway. It only reads, so it runs before anything else is
    /// written to the file (the journal mode included).
    /// </summary>
    public async Task RefuseNewerAsync(SqliteConnection connection, CancellationToken ct)
    {
        var version = await ReadVersionAsync(connection, null, ct);
        if (version > Latest)
        {
            throw new SchemaTooNewException(_path, version, Latest);
        }
    }

    /// <summary>
    /// Applies every migration above the store's version, in order, each in its own write transaction
    /// with its version bump: a crash or a failure in the middle leaves the store at the last version
    /// that completed, with its data.
    /// </summary>
    public async Task MigrateAsync(SqliteConnection connection, CancellationToken ct)
    {
        // Every start of the server opens an up-to-date store: answer it without taking the write lock.
        if (await ReadVersionAsync(connection, null, ct) == Latest)
        {
            return;
        }

        while (true)
        {
            // BEGIN IMMEDIATE takes the write lock before the version is read. A second process opening
            // the store meanwhile waits here, then reads the version the first one committed and
            // applies nothing twice; with a deferred transaction both could read the old version.
            await using var transaction = connection.BeginTransaction(deferred: false);
            var version = await ReadVersionAsync(connection, transaction, ct);
            if (version > Latest)
            {
                throw new SchemaTooNewException(_path, version, Latest);
            }

            if (version == Latest)
            {
                return;
            }

            var migration = _migrations[version];
            try
            {
                await migration.ApplyAsync(connection, transaction, ct);
                await SetVersionAsync(connection, transaction, migration.Version, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new StoreOpenException(
                    _path,
                    $"{_path}: migrating the schema from version {version} to {migration} failed: {e.Message.TrimEnd('.')}. "
                    + $"The store is still at version {version}, with its data.",
                    e);
            }

            await transaction.CommitAsync(ct);
        }
    }

    private static async Task<int> ReadVersionAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "PRAGMA user_version";
        return Convert.ToInt32(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    private static async Task SetVersionAsync(SqliteConnection connection, SqliteTransaction transaction, int version, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;

        // A pragma takes no parameters; the version is an int, never user input.
        command.CommandText = string.Create(CultureInfo.InvariantCulture, $"PRAGMA user_version = {version}");
        await command.ExecuteNonQueryAsync(ct);
    }
}
