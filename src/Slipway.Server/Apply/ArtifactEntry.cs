using Slipway.Local.Files;

namespace Slipway.Server.Apply;

/// <summary>
/// One thing inside an artifact directory, as the scan found it: a directory, a regular file or a symlink
/// that stays inside the artifact. Nothing else is allowed in an artifact.
/// </summary>
/// <param name="Path">Relative to the artifact directory, '/'-separated.</param>
/// <param name="Status">What lstat said, so that reading it later can tell whether it is still the same file.</param>
/// <param name="LinkTarget">A symlink's target, as written.</param>
internal sealed record ArtifactEntry(string Path, FileStatus Status, string? LinkTarget = null)
{
    public FileKind Kind => Status.Kind;

    /// <summary>Any execute bit set: the one mode bit that changes what runs (as git keeps only this one).</summary>
    public bool Executable => (Status.Mode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;

    public long Size => Kind == FileKind.RegularFile ? Status.Size : 0;
}

/// <summary>What a scan found in an artifact directory: its entries in ordinal path order, and their total size.</summary>
internal sealed record ArtifactScan(string Root, IReadOnlyList<ArtifactEntry> Entries, long TotalBytes);
