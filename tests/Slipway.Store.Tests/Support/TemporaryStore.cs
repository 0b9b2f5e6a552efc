using Microsoft.Data.Sqlite;

namespace Slipway.Store.Tests.Support;

/// <summary>A real SQLite store in a fresh temporary directory, deleted when the test ends.</summary>
internal sealed class TemporaryStore : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 3, 14, 9, 26, 53, TimeSpan.Zero);

    private readonly StoreOptions _options;

    private TemporaryStore(string directory, ManualTimeProvider time, SqliteStore store, StoreOptions options)
    {
        Directory = directory;
        Time = time;
        Store = store;
        _options = options;
    }

    public string Directory { get; }

    public string Path => System.IO.Path.Combine(Directory, "slipway.db");

    public ManualTimeProvider Time { get; }

    public SqliteStore Store { get; private set; }

    public static async Task<TemporaryStore> OpenAsync(StoreOptions? options = null)
    {
        options ??= StoreOptions.Default;
        var directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "slipway-store-tests-" + Guid.NewGuid().ToString("N"));
        var time = new ManualTimeProvider(Start);
        var store = await SqliteStore.OpenAsync(System.IO.Path.Combine(directory, "slipway.db"), time, options, CancellationToken.None);
        return new TemporaryStore(directory, time, store, options);
    }

    /// <summary>Opens the same file again, as a restarted server would; the old instance is no longer used.</summary>
    public async Task<SqliteStore> ReopenAsync()
    {
        // Pooled connections would let the new store reuse the old one's handles; a restart has none.
        SqliteConnection.ClearAllPools();
        Store = await SqliteStore.OpenAsync(Path, Time, _options, CancellationToken.None);
        return Store;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
