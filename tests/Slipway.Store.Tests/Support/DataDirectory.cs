using Microsoft.Data.Sqlite;

namespace Slipway.Store.Tests.Support;

/// <summary>
/// A temporary data directory whose slipway.db the test prepares before the store opens it (a copy of
/// a fixture, a file written by hand), deleted when the test ends.
/// </summary>
internal sealed class DataDirectory : IDisposable
{
    private DataDirectory(string directory) => Directory = directory;

    public string Directory { get; }

    public string StorePath => System.IO.Path.Combine(Directory, "slipway.db");

    public static DataDirectory Empty()
    {
        var directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "slipway-store-tests-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        return new DataDirectory(directory);
    }

    /// <summary>A data directory holding a copy of a fixture's store (the fixture itself is never opened).</summary>
    public static DataDirectory WithFixture(string fixture)
    {
        var data = Empty();
        File.Copy(System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", fixture), data.StorePath);
        return data;
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
