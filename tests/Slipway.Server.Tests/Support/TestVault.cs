using Microsoft.Extensions.Logging.Abstractions;
using Slipway.Server.Secrets;
using Slipway.Store;

namespace Slipway.Server.Tests.Support;

/// <summary>
/// The real secret vault (a master key file, AES-GCM, the SQLite store) for tests that need secrets without a whole
/// server: over the store and data directory a test already has, or over its own in a temporary directory.
/// </summary>
internal sealed class TestVault : IAsyncDisposable
{
    private readonly List<string> _values = [];
    private readonly TemporaryDirectory? _owned;

    private TestVault(SecretVault vault, TemporaryDirectory? owned)
    {
        Vault = vault;
        _owned = owned;
    }

    public SecretVault Vault { get; }

    /// <summary>Every value set through this helper: what no answer, output or log may hold.</summary>
    public IReadOnlyList<string> Values => _values;

    /// <summary>A started vault over <paramref name="store"/> with its key file in <paramref name="dataDirectory"/>.</summary>
    public static async Task<TestVault> OpenAsync(IStore store, string dataDirectory)
    {
        var vault = new SecretVault(store, MasterKeys.Open(dataDirectory, _ => null), TimeProvider.System, NullLogger<SecretVault>.Instance);
        await vault.StartAsync(CancellationToken.None);
        return new TestVault(vault, null);
    }

    /// <summary>A started vault over a store of its own, in a temporary directory deleted on dispose.</summary>
    public static async Task<TestVault> OpenAsync()
    {
        var temp = new TemporaryDirectory();
        var store = await SqliteStore.OpenAsync(temp.Combine("data", "slipway.db"), TimeProvider.System, CancellationToken.None);
        var vault = new SecretVault(store, MasterKeys.Open(temp.Combine("data"), _ => null), TimeProvider.System, NullLogger<SecretVault>.Instance);
        await vault.StartAsync(CancellationToken.None);
        return new TestVault(vault, temp);
    }

    /// <summary>Sets <paramref name="key"/> of secret <paramref name="name"/>; returns the version the key's value has now.</summary>
    public async Task<int> SetAsync(string environment, string name, string key, string value)
    {
        var (change, problem) = await Vault.SetAsync(environment, name, new Dictionary<string, string> { [key] = value }, [], "test", CancellationToken.None);
        Assert.True(problem is null, $"setting {environment}/{name}/{key} was refused: {problem?.Kind}");
        _values.Add(value);
        return change!.Secret.Keys[key];
    }

    public ValueTask DisposeAsync()
    {
        _owned?.Dispose();
        return ValueTask.CompletedTask;
    }
}
