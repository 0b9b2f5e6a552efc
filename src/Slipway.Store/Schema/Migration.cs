using Microsoft.Data.Sqlite;

namespace Slipway.Store.Schema;

/// <summary>
/// One step of the store's schema: what turns version <see cref="Version"/> − 1 into
/// <see cref="Version"/>. It runs inside the write transaction that also sets the new version, so it
/// must not begin, commit or roll back a transaction itself (nor run VACUUM or change
/// <c>PRAGMA foreign_keys</c>, which SQLite ignores or refuses inside one).
/// </summary>
internal sealed record Migration(int Version, string Description, Func<SqliteConnection, SqliteTransaction, CancellationToken, Task> ApplyAsync)
{
    /// <summary>A migration that is one SQL script (several statements are fine).</summary>
    public static Migration Sql(int version, string description, string script)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(script);
        return new Migration(version, description, async (connection, transaction, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = script;
            await command.ExecuteNonQueryAsync(ct);
        });
    }

    public override string ToString() => $"{Version} ({Description})";
}
