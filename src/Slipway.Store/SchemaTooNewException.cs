namespace Slipway.Store;

/// <summary>
/// The store was written by a newer Slipway: its schema version is above the newest this one knows.
/// Reading it could misread what the newer version stores and writing it could corrupt it, so it is
/// refused untouched; the fix is to upgrade Slipway.
/// </summary>
public sealed class SchemaTooNewException(string path, int version, int latest) : StoreOpenException(
    path,
    $"{path} has schema version {version}, but this Slipway knows versions up to {latest}: the data directory "
    + $"{System.IO.Path.GetDirectoryName(path)} was written by a newer Slipway. Upgrade Slipway to use it; nothing in it was changed.")
{
    /// <summary>The store's schema version.</summary>
    public int Version { get; } = version;

    /// <summary>The newest schema version this Slipway knows.</summary>
    public int Latest { get; } = latest;
}
