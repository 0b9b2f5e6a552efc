using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Slipway.Server.Secrets;
using Slipway.Server.Tests.Support;
using Slipway.Store;

namespace Slipway.Server.Tests.Secrets;

/// <summary>A <see cref="SecretVault"/> over a real SQLite store and a real key file (or variables) in a temporary data directory.</summary>
internal sealed class VaultHarness : IDisposable
{
    private VaultHarness(TemporaryDirectory temp, SqliteStore store)
    {
        Temp = temp;
        Store = store;
    }

    public TemporaryDirectory Temp { get; }

    public string DataDirectory => Temp.Combine("data");

    public SqliteStore Store { get; }

    public static async Task<VaultHarness> OpenAsync()
    {
        var temp = new TemporaryDirectory();
        var store = await SqliteStore.OpenAsync(temp.Combine("data", "slipway.db"), TimeProvider.System, CancellationToken.None);
        return new VaultHarness(temp, store);
    }

    /// <summary>A started vault, as a server starting on this data directory would have: with the key file, or the variables given.</summary>
    public async Task<SecretVault> StartVaultAsync(Func<string, string?>? variables = null)
    {
        var vault = new SecretVault(Store, MasterKeys.Open(DataDirectory, variables ?? KeyVariables.None), TimeProvider.System, NullLogger<SecretVault>.Instance);
        await vault.StartAsync(CancellationToken.None);
        return vault;
    }

    /// <summary>The files of the data directory that hold <paramref name="text"/> as UTF-8 bytes (the store's WAL included).</summary>
    public IReadOnlyList<string> FilesHolding(string text)
    {
        SqliteConnection.ClearAllPools();
        var needle = Encoding.UTF8.GetBytes(text);
        return [.. Directory.EnumerateFiles(DataDirectory, "*", SearchOption.AllDirectories).Where(f => File.ReadAllBytes(f).AsSpan().IndexOf(needle) >= 0).Select(Path.GetFileName).OfType<string>()];
    }

    public void Dispose() => Temp.Dispose();
}
