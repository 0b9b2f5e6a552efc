namespace Slipway.Server.Apply;

/// <summary>
/// The <see cref="ArtifactStore.Use"/>s one apply holds: the copies it relies on are not collected until its revisions
/// are saved (or it fails) and this is disposed. A use added after that — by an artifact pass that ran on past its
/// deadline (see <see cref="ArtifactTimeout"/>) — is released at once, so none is ever held for good.
/// </summary>
internal sealed class ArtifactUses : IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<IDisposable> _uses = [];
    private bool _disposed;

    public void Add(IDisposable use)
    {
        ArgumentNullException.ThrowIfNull(use);
        lock (_gate)
        {
            if (!_disposed)
            {
                _uses.Add(use);
                return;
            }
        }

        use.Dispose();
    }

    public void Dispose()
    {
        List<IDisposable> uses;
        lock (_gate)
        {
            _disposed = true;
            uses = [.. _uses];
            _uses.Clear();
        }

        foreach (var use in uses)
        {
            use.Dispose();
        }
    }
}
