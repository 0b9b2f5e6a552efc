using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Slipway.Store.Tests.Support;

/// <summary>
/// Reads and writes a store's file directly, beside the store, as an older or a newer Slipway would:
/// the schema version, the tables, rows. Its connections are not pooled, so nothing stays open.
/// </summary>
internal static class RawDatabase
{
    public static async Task<int> UserVersionAsync(string path) =>
        Convert.ToInt32(await ScalarAsync(path, "PRAGMA user_version"), CultureInfo.InvariantCulture);

    public static async Task<long> CountAsync(string path, string table) =>
        Convert.ToInt64(await ScalarAsync(path, $"SELECT count(*) FROM {table}"), CultureInfo.InvariantCulture);

    /// <summary>Every table and index with the SQL that created it, as SQLite keeps it.</summary>
    public static async Task<IReadOnlyList<string>> SchemaAsync(string path)
    {
        await using var connection = await OpenAsync(path);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master ORDER BY type, name";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    public static async Task<IReadOnlyList<string>> ColumnsAsync(string path, string table)
    {
        await using var connection = await OpenAsync(path);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT name FROM pragma_table_info('{table}') ORDER BY cid";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    public static async Task ExecuteAsync(string path, string sql)
    {
        await using var connection = await OpenAsync(path);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(string path, string sql)
    {
        await using var connection = await OpenAsync(path);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    private static async Task<SqliteConnection> OpenAsync(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync();
        return connection;
    }
}
