using Slipway.Local.Files;

namespace Slipway.Server.Apply;

/// <summary>
/// Read-only copies of directory artifacts, one per content digest, under <c>&lt;data&gt;/artifacts/sha256-&lt;hex&gt;</c>.
/// A revision runs the code it was created with whatever later happens to the source directory — a rebuild into
/// the same <c>out/</c>, say — and <c>rollout undo</c> brings the old code back. Instances never run in these
/// copies: the local target gives each instance a copy of its own, so that no instance can change another's files
/// (mode bits alone would not stop a process running as root).
/// </summary>
internal sealed class ArtifactStore(ServerOptions options)
{
    private const UnixFileMode ReadOnly = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private const UnixFileMode ReadOnlyExecutable = ReadOnly | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    public string PathFor(string digest) => Path.Combine(options.ArtifactsDirectory, digest.Replace(':', '-'));

    /// <summary>
    /// Makes sure the store holds what <paramref name="scan"/> found, under <paramref name="digest"/> (computed from it
    /// just before). The copy is hashed as it is written and renamed into place only when it matches, so the store
    /// never holds a partial or mismatched copy; files and directories lose their write bits before the rename.
    /// </summary>
    /// <exception cref="ArtifactChangedException">The source changed between computing its digest and copying it.</exception>
    public async Task ImportAsync(ArtifactScan scan, string digest, CancellationToken ct)
    {
        var target = PathFor(digest);
        if (Directory.Exists(target))
        {
            return;
        }

        Directory.CreateDirectory(options.ArtifactsDirectory);
        var temporary = $"{target}.partial-{Guid.NewGuid():N}";
        try
        {
            Directory.CreateDirectory(temporary);
            using (var copied = new ArtifactDigest())
            {
                foreach (var entry in scan.Entries)
                {
                    await CopyAsync(scan.Root, entry, temporary, copied, ct);
                }

                if (copied.Finish() != digest)
                {
                    throw new ArtifactChangedException("its content changed while it was being copied; apply again");
                }
            }

            // Deepest first: a directory is made read-only once everything in it is.
            foreach (var directory in scan.Entries.Where(e => e.Kind == FileKind.Directory).Reverse())
            {
                SetMode(Path.Combine(temporary, directory.Path), ReadOnlyExecutable);
            }

            SetMode(temporary, ReadOnlyExecutable);
            try
            {
                Directory.Move(temporary, target);
            }
            catch (IOException) when (Directory.Exists(target))
            {
                // Imported meanwhile under the same digest: the same content.
            }
        }
        finally
        {
            if (Directory.Exists(temporary))
            {
                WritableTree.Delete(temporary);
            }
        }
    }

    private static async Task CopyAsync(string root, ArtifactEntry entry, string destinationRoot, ArtifactDigest digest, CancellationToken ct)
    {
        var destination = Path.Combine(destinationRoot, entry.Path);
        switch (entry.Kind)
        {
            case FileKind.Directory:
                Directory.CreateDirectory(destination);
                await digest.AddAsync(root, entry, copyTo: null, ct);
                break;
            case FileKind.Symlink:
                File.CreateSymbolicLink(destination, entry.LinkTarget!);
                await digest.AddAsync(root, entry, copyTo: null, ct);
                break;
            default:
                await using (var file = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
                {
                    await digest.AddAsync(root, entry, file, ct);
                }

                SetMode(destination, entry.Executable ? ReadOnlyExecutable : ReadOnly);
                break;
        }
    }

    private static void SetMode(string path, UnixFileMode mode)
    {
        // Slipway runs on Linux only (statx, setsid, /proc); the check is for the platform analyzer.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }
    }
}

/// <summary>An artifact directory changed while it was being applied.</summary>
internal sealed class ArtifactChangedException(string message) : Exception(message);
