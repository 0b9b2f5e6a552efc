using Microsoft.Data.Sqlite;
using Slipway.Store.Schema;
using Slipway.Store.Tests.Support;

namespace Slipway.Store.Tests;

/// <summary>
/// What adding a version to the schema does to an existing data directory: the new migration runs once,
/// whole or not at all, and a failure leaves the store at its old version with its data.
/// </summary>
public sealed class MigrationTests : IDisposable
{
    private readonly DataDirectory _data = DataDirectory.WithFixture("slipway-v1.db");

    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public void The_migrations_are_numbered_from_1_without_gaps()
    {
        Assert.Equal(Enumerable.Range(1, Migrations.All.Count), Migrations.All.Select(m => m.Version));
        Assert.Throws<ArgumentException>(() => new SchemaMigrator(_data.StorePath, [.. Migrations.All, AddNoteColumn(Migrations.Latest + 2)]));
    }

    [Fact]
    public async Task An_added_migration_is_applied_once_and_keeps_the_data()
    {
        var applied = 0;
        Migration[] next =
        [
            .. Migrations.All,
            new(Migrations.Latest + 1, "count it", async (connection, transaction, ct) =>
            {
                applied++;
                await AddNoteColumn(Migrations.Latest + 1).ApplyAsync(connection, transaction, ct);
            }),
        ];

        var store = await SqliteStore.OpenAsync(_data.StorePath, TimeProvider.System, next, Ct);
        SqliteConnection.ClearAllPools();
        var reopened = await SqliteStore.OpenAsync(_data.StorePath, TimeProvider.System, next, Ct);

        Assert.Equal(1, applied);
        Assert.Equal(Migrations.Latest + 1, await RawDatabase.UserVersionAsync(_data.StorePath));
        Assert.Contains("note", await RawDatabase.ColumnsAsync(_data.StorePath, "apps"));
        Assert.Equal(2, (await reopened.ListAppsAsync(Ct)).Count);
        Assert.Equal(11, (await store.ListEventsAsync("web", "dev", 100, Ct)).Count);
    }

    [Fact]
    public async Task Concurrent_opens_apply_a_migration_once()
    {
        var applied = 0;
        Migration[] next =
        [
            .. Migrations.All,
            new(Migrations.Latest + 1, "count it", async (connection, transaction, ct) =>
            {
                Interlocked.Increment(ref applied);

                // Let the other openers run while this one is inside its migration.
                await Task.Yield();
                await AddNoteColumn(Migrations.Latest + 1).ApplyAsync(connection, transaction, ct);
            }),
        ];
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var opens = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            await go.Task;
            return await SqliteStore.OpenAsync(_data.StorePath, TimeProvider.System, next, Ct);
        })).ToList();
        go.SetResult();
        var stores = await Task.WhenAll(opens);

        Assert.Equal(1, applied);
        Assert.Equal(Migrations.Latest + 1, await RawDatabase.UserVersionAsync(_data.StorePath));
        foreach (var store in stores)
        {
            Assert.Equal(2, (await store.ListAppsAsync(Ct)).Count);
        }
    }

    [Fact]
    public async Task A_failing_migration_leaves_the_store_at_its_old_version_with_its_data()
    {
        await SqliteStore.OpenAsync(_data.StorePath, TimeProvider.System, Ct);
        SqliteConnection.ClearAllPools();
        var before = await RawDatabase.SchemaAsync(_data.StorePath);
        Migration[] next =
        [
            .. Migrations.All,
            Migration.Sql(Migrations.Latest + 1, "a bad script", """
                CREATE TABLE notes (app TEXT NOT NULL, note TEXT NOT NULL);
                DELETE FROM events;
                INSERT INTO no_such_table VALUES (1);
                """),
        ];

        var e = await Assert.ThrowsAsync<StoreOpenException>(() => SqliteStore.OpenAsync(_data.StorePath, TimeProvider.System, next, Ct));

        Assert.Contains(_data.StorePath, e.Message, StringComparison.Ordinal);
        Assert.Contains($"from version {Migrations.Latest} to {Migrations.Latest + 1} (a bad script) failed", e.Message, StringComparison.Ordinal);
        Assert.Contains("no such table: no_such_table", e.Message, StringComparison.Ordinal);
        Assert.Equal(Migrations.Latest, await RawDatabase.UserVersionAsync(_data.StorePath));
        Assert.Equal(before, await RawDatabase.SchemaAsync(_data.StorePath));
        Assert.Equal(13, await RawDatabase.CountAsync(_data.StorePath, "events"));
        var store = await SqliteStore.OpenAsync(_data.StorePath, TimeProvider.System, Ct);
        Assert.Equal(11, (await store.ListEventsAsync("web", "dev", 100, Ct)).Count);
    }

    [Fact]
    public async Task Migrations_before_a_failing_one_stay_applied()
    {
        Migration[] next =
        [
            .. Migrations.All,
            AddNoteColumn(Migrations.Latest + 1),
            new(Migrations.Latest + 2, "fails half way", async (connection, transaction, ct) =>
            {
                await using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = "UPDATE apps SET note = 'overwritten'";
                await command.ExecuteNonQueryAsync(ct);
                throw new InvalidOperationException("disk full");
            }),
        ];

        var e = await Assert.ThrowsAsync<StoreOpenException>(() => SqliteStore.OpenAsync(_data.StorePath, TimeProvider.System, next, Ct));

        Assert.Contains($"The store is still at version {Migrations.Latest + 1}", e.Message, StringComparison.Ordinal);
        Assert.Equal(Migrations.Latest + 1, await RawDatabase.UserVersionAsync(_data.StorePath));
        Assert.Contains("note", await RawDatabase.ColumnsAsync(_data.StorePath, "apps"));
        Assert.Equal(0, await RawDatabase.CountAsync(_data.StorePath, "apps WHERE note = 'overwritten'"));
    }

    public void Dispose() => _data.Dispose();

    /// <summary>A migration that fails when applied twice: SQLite refuses a duplicate column.</summary>
    private static Migration AddNoteColumn(int version) =>
        Migration.Sql(version, "apps get a note", "ALTER TABLE apps ADD COLUMN note TEXT");
}
