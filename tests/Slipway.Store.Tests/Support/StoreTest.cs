namespace Slipway.Store.Tests.Support;

/// <summary>A test class that gets a fresh store in a temporary directory per test, deleted afterwards.</summary>
public abstract class StoreTest : IAsyncLifetime
{
    private TemporaryStore? _fixture;

    private protected TemporaryStore Fixture => _fixture ?? throw new InvalidOperationException("the store is opened in InitializeAsync");

    protected SqliteStore Store => Fixture.Store;

    protected static CancellationToken Ct => CancellationToken.None;

    /// <summary>The bounds the store is opened with; a test class overrides them to reach them with a few writes.</summary>
    private protected virtual StoreOptions Options => StoreOptions.Default;

    public async Task InitializeAsync() => _fixture = await TemporaryStore.OpenAsync(Options);

    public Task DisposeAsync()
    {
        _fixture?.Dispose();
        return Task.CompletedTask;
    }
}
