namespace Slipway.Store.Tests.Support;

/// <summary>A test class that gets a fresh store in a temporary directory per test, deleted afterwards.</summary>
public abstract class StoreTest : IAsyncLifetime
{
    private TemporaryStore? _fixture;

    private protected TemporaryStore Fixture => _fixture ?? throw new InvalidOperationException("the store is opened in InitializeAsync");

    protected SqliteStore Store => Fixture.Store;

    protected static CancellationToken Ct => CancellationToken.None;

    public async Task InitializeAsync() => _fixture = await TemporaryStore.OpenAsync();

    public Task DisposeAsync()
    {
        _fixture?.Dispose();
        return Task.CompletedTask;
    }
}
