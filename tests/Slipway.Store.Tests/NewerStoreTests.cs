using Microsoft.Data.Sqlite;
using Slipway.Store.Schema;
using Slipway.Store.Tests.Support;

namespace Slipway.Store.Tests;

/// <summary>
/// A data directory this Slipway cannot understand — written by a newer Slipway, or not a store at all —
/// is refused with a message that names it and says what to do, and is left exactly as it was.
/// </summary>
public sealed class NewerStoreTests : IDisposable
{
    private readonly DataDirectory _data = DataDirectory.WithFixture("slipway-v1.db");

    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task A_store_migrated_by_a_newer_Slipway_is_refused_and_left_unchanged()
    {
        Migration[] newer = [.. Migrations.All, Migration.Sql(Migrations.Latest + 1, "apps get a note", "ALTER TABLE apps ADD COLUMN note TEXT")];
        await SqliteStore.OpenAsync(_data.StorePath, TimeProvider.System, newer, Ct);
        SqliteConnection.ClearAllPools();
        var bytes = await File.ReadAllBytesAsync(_data.StorePath);

        var e = await Assert.ThrowsAsync<SchemaTooNewException>(() => SqliteStore.OpenAsync(_data.StorePath, TimeProvider.System, Ct));
        SqliteConnection.ClearAllPools();

        Assert.Equal((_data.StorePath, Migrations.Latest + 1, Migrations.Latest), (e.Path, e.Version, e.Latest));
        Assert.Equal(
            $"{_data.StorePath} has schema version {Migrations.Latest + 1}, but this Slipway knows versions up to {Migrations.Latest}: "
            + $"the data directory {_data.Directory} was written by a newer Slipway. Upgrade Slipway to use it; nothing in it was changed.",
            e.Message);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(_data.StorePath));
        Assert.Equal(Migrations.Latest + 1, await RawDatabase.UserVersionAsync(_data.StorePath));
    }

    [Fact]
    public async Task A_newer_store_is_refused_before_anything_is_written_to_it()
    {
        // A rollback-journal database: setting the store's WAL mode would rewrite its header.
        using var newer = DataDirectory.Empty();
        await RawDatabase.ExecuteAsync(newer.StorePath, "PRAGMA journal_mode = DELETE; CREATE TABLE future (x TEXT); PRAGMA user_version = 1000;");
        var bytes = await File.ReadAllBytesAsync(newer.StorePath);

        var e = await Assert.ThrowsAsync<SchemaTooNewException>(() => SqliteStore.OpenAsync(newer.StorePath, TimeProvider.System, Ct));
        SqliteConnection.ClearAllPools();

        Assert.Equal(1000, e.Version);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(newer.StorePath));
        Assert.Equal(["table future: CREATE TABLE future (x TEXT)"], await RawDatabase.SchemaAsync(newer.StorePath));
    }

    [Fact]
    public async Task A_file_that_is_not_a_database_is_refused_with_its_name_and_left_unchanged()
    {
        using var data = DataDirectory.Empty();
        var bytes = "this is not a database, it is a note the operator left here\n"u8.ToArray();
        await File.WriteAllBytesAsync(data.StorePath, bytes);

        var e = await Assert.ThrowsAsync<StoreOpenException>(() => SqliteStore.OpenAsync(data.StorePath, TimeProvider.System, Ct));
        SqliteConnection.ClearAllPools();

        Assert.StartsWith($"cannot open the store {data.StorePath}: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("file is not a database", e.Message, StringComparison.Ordinal);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(data.StorePath));
    }

    public void Dispose() => _data.Dispose();
}
