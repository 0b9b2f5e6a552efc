using System.Text.RegularExpressions;
using Slipway.Local.Files;

namespace Slipway.Server.Apply;

/// <summary>
/// Read-only copies of directory artifacts, one per content digest, under <c>&lt;data&gt;/artifacts/sha256-&lt;hex&gt;</c>.
/// A revision runs the code it was created with whatever later happens to the source directory — a rebuild into
/// the same <c>out/</c>, say — and <c>rollout undo</c> brings the old code back. Instances never run in these
/// copies: the local target gives each instance a copy of its own, so that no instance can change another's files
/// (mode bits alone would not stop a process running as root).
/// </summary>
/// <remarks>
/// Copies no kept revision names are collected (<see cref="BeginCollection"/>, <see cref="TryDelete"/>). An apply
/// copies its artifact before it saves the revision that names it, outside the control-plane lock, so a collection
/// that read the store in between would take the copy for garbage: the apply holds a <see cref="Use"/> of the digest
/// from before it looks for the copy until its save is done, and a collection never deletes a digest used at any
/// moment since it began (its read of the store may predate the save).
/// </remarks>
internal sealed partial class ArtifactStore(ServerOptions options)
{
    private const UnixFileMode ReadOnly = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private const UnixFileMode ReadOnlyExecutable = ReadOnly | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    private const string PartialMarker = ".partial-";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _inUse = new(StringComparer.Ordinal);

    // Temporary directories this process is writing (an import) or deleting (a collected copy) right now.
    private readonly HashSet<string> _temporaries = new(StringComparer.Ordinal);

    // While a collection runs: every digest in use when it began or used since.
    private HashSet<string>? _usedDuringCollection;

    public string PathFor(string digest) => Path.Combine(options.ArtifactsDirectory, digest.Replace(':', '-'));

    /// <summary>The digests of every complete copy in the store.</summary>
    public IReadOnlyList<string> List()
    {
        if (!Directory.Exists(options.ArtifactsDirectory))
        {
            return [];
        }

        return Directory.EnumerateDirectories(options.ArtifactsDirectory)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => CopyName().IsMatch(name))
            .Select(DigestOf)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// Keeps the copy of <paramref name="digest"/> from being collected until the result is disposed: taken by an
    /// apply before it looks for or makes the copy, released once the revision naming it is saved (or not).
    /// </summary>
    public IDisposable Use(string digest)
    {
        ArgumentException.ThrowIfNullOrEmpty(digest);
        lock (_gate)
        {
            _inUse[digest] = _inUse.GetValueOrDefault(digest) + 1;
            _usedDuringCollection?.Add(digest);
        }

        return new Release(this, digest);
    }

    /// <summary>
    /// Starts a collection: from now until the result is disposed, <see cref="TryDelete"/> refuses every digest in use
    /// now or used meanwhile. Begin it before reading which digests the store's revisions name.
    /// </summary>
    /// <exception cref="InvalidOperationException">Another collection is running.</exception>
    public IDisposable BeginCollection()
    {
        lock (_gate)
        {
            if (_usedDuringCollection is not null)
            {
                throw new InvalidOperationException("a collection of artifact copies is already running");
            }

            _usedDuringCollection = new HashSet<string>(_inUse.Keys, StringComparer.Ordinal);
        }

        return new EndCollection(this);
    }

    /// <summary>
    /// Deletes the copy of <paramref name="digest"/>, which no kept revision names, unless an apply used it since the
    /// collection began. The copy is first renamed out of the way, so an apply arriving meanwhile copies it anew.
    /// </summary>
    /// <returns>True when the copy was deleted.</returns>
    /// <exception cref="InvalidOperationException">No collection is running (see <see cref="BeginCollection"/>).</exception>
    public bool TryDelete(string digest)
    {
        var path = PathFor(digest);
        var doomed = $"{path}{PartialMarker}{Guid.NewGuid():N}";
        lock (_gate)
        {
            if (_usedDuringCollection is not { } used)
            {
                throw new InvalidOperationException("artifact copies are deleted during a collection only");
            }

            if (used.Contains(digest) || _inUse.ContainsKey(digest) || !Directory.Exists(path))
            {
                return false;
            }

            Directory.Move(path, doomed);
            _temporaries.Add(doomed);
        }

        try
        {
            WritableTree.Delete(doomed);
        }
        finally
        {
            lock (_gate)
            {
                _temporaries.Remove(doomed);
            }
        }

        return true;
    }

    /// <summary>
    /// Deletes the temporary directories (<c>*.partial-*</c>) a crash left: an import or a deletion that never finished.
    /// Those this process is writing or deleting now are never touched, nor those modified at or after
    /// <paramref name="modifiedBefore"/> (at server start, any time: nothing of an earlier process is still at work).
    /// </summary>
    /// <returns>The directories deleted.</returns>
    public IReadOnlyList<string> RemoveLeftovers(DateTimeOffset modifiedBefore)
    {
        if (!Directory.Exists(options.ArtifactsDirectory))
        {
            return [];
        }

        var removed = new List<string>();
        foreach (var path in Directory.EnumerateDirectories(options.ArtifactsDirectory, "*" + PartialMarker + "*"))
        {
            lock (_gate)
            {
                if (_temporaries.Contains(path) || Directory.GetLastWriteTimeUtc(path) >= modifiedBefore.UtcDateTime)
                {
                    continue;
                }

                // Claimed, so that nothing of this process takes it for its own meanwhile (it never would: names are new).
                _temporaries.Add(path);
            }

            try
            {
                WritableTree.Delete(path);
                removed.Add(path);
            }
            finally
            {
                lock (_gate)
                {
                    _temporaries.Remove(path);
                }
            }
        }

        return removed;
    }

    /// <summary>
    /// Makes sure the store holds what <paramref name="scan"/> found, under <paramref name="digest"/> (computed from it
    /// just before). The copy is hashed as it is written and renamed into place only when it matches, so the store
    /// never holds a partial or mismatched copy; files and directories lose their write bits before the rename.
    /// </summary>
    /// <param name="uses">Gets a <see cref="Use"/> of the digest, taken before the copy is looked for: the caller
    /// disposes it once the revision naming the digest is saved.</param>
    /// <exception cref="ArtifactChangedException">The source changed between computing its digest and copying it.</exception>
    public async Task ImportAsync(ArtifactScan scan, string digest, ArtifactUses uses, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(uses);
        uses.Add(Use(digest));
        var target = PathFor(digest);
        if (Directory.Exists(target))
        {
            return;
        }

        Directory.CreateDirectory(options.ArtifactsDirectory);
        var temporary = $"{target}{PartialMarker}{Guid.NewGuid():N}";
        lock (_gate)
        {
            _temporaries.Add(temporary);
        }

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

            lock (_gate)
            {
                _temporaries.Remove(temporary);
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

    private void Unuse(string digest)
    {
        lock (_gate)
        {
            if (_inUse.GetValueOrDefault(digest) <= 1)
            {
                _inUse.Remove(digest);
            }
            else
            {
                _inUse[digest]--;
            }
        }
    }

    // The inverse of PathFor's name: "sha256-<hex>" is the copy of "sha256:<hex>".
    private static string DigestOf(string name)
    {
        var dash = name.IndexOf('-', StringComparison.Ordinal);
        return $"{name[..dash]}:{name[(dash + 1)..]}";
    }

    // A complete copy: an algorithm, '-', a hex digest (what PathFor makes of "sha256:<hex>"); never a temporary.
    [GeneratedRegex("^[a-z0-9]+-[0-9a-f]{64}$")]
    private static partial Regex CopyName();

    private sealed class Release(ArtifactStore store, string digest) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                store.Unuse(digest);
            }
        }
    }

    private sealed class EndCollection(ArtifactStore store) : IDisposable
    {
        private int _ended;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0)
            {
                lock (store._gate)
                {
                    store._usedDuringCollection = null;
                }
            }
        }
    }
}

/// <summary>An artifact directory changed while it was being applied.</summary>
internal sealed class ArtifactChangedException(string message) : Exception(message);
