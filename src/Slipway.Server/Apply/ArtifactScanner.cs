using Slipway.Core.Spec;
using Slipway.Local.Files;

namespace Slipway.Server.Apply;

/// <summary>
/// Walks an artifact directory without opening a file or following a symlink, and says what in it cannot be an
/// artifact: special files (named pipes, sockets, devices: reading one blocks or never ends), symlinks that lead
/// outside the directory, loop or lead nowhere, entries that cannot be read, and more bytes than the limit.
/// Shared by the server (before hashing and copying) and by <c>slipway validate</c>.
/// </summary>
internal static class ArtifactScanner
{
    /// <summary>Problems reported per artifact before the rest are summarised: one bad build can hold thousands.</summary>
    public const int MaxProblems = 20;

    /// <param name="root">The artifact directory (absolute; itself may be a symlink to a directory).</param>
    /// <param name="maxBytes">The most bytes of files allowed; null for no limit.</param>
    /// <returns>The scan, and every problem found (each naming the file), in path order.</returns>
    public static (ArtifactScan Scan, IReadOnlyList<string> Problems) Scan(string root, long? maxBytes, CancellationToken ct)
    {
        var entries = new List<ArtifactEntry>();
        var problems = new List<string>();
        var more = false;
        long total = 0;
        var directories = new Stack<string>();
        directories.Push("");

        void Problem(string message)
        {
            if (problems.Count < MaxProblems)
            {
                problems.Add(message);
            }
            else
            {
                more = true;
            }
        }

        // Once there are more problems than anyone will read, the rest of the walk (of "/", say) is not worth its time.
        while (!more && directories.TryPop(out var directory))
        {
            ct.ThrowIfCancellationRequested();
            IEnumerable<string> names;
            try
            {
                names = Directory.EnumerateFileSystemEntries(Path.Combine(root, directory)).Select(Path.GetFileName).ToList()!;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Problem($"{Path.Combine(root, directory)} cannot be read: {e.Message}");
                continue;
            }

            foreach (var name in names)
            {
                var relative = directory.Length == 0 ? name : directory + "/" + name;
                var full = Path.Combine(root, relative);
                FileStatus status;
                try
                {
                    status = PosixFiles.Lstat(full);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    Problem($"{full} cannot be read: {e.Message}");
                    continue;
                }

                switch (status.Kind)
                {
                    case FileKind.Directory:
                        entries.Add(new ArtifactEntry(relative, status));
                        directories.Push(relative);
                        break;
                    case FileKind.RegularFile:
                        entries.Add(new ArtifactEntry(relative, status));
                        total += status.Size;
                        break;
                    case FileKind.Symlink:
                        var target = new FileInfo(full).LinkTarget ?? "";
                        if (ArtifactSymlinks.Check(root, relative, target) is { } problem)
                        {
                            Problem($"{full} {problem}");
                        }
                        else
                        {
                            entries.Add(new ArtifactEntry(relative, status, target));
                        }

                        break;
                    case FileKind.Missing:
                        // Deleted while we looked: what is not there is not part of the artifact.
                        break;
                    default:
                        Problem($"{full} is {Describe(status.Kind)}: an artifact may hold only files, directories and symlinks that stay inside it");
                        break;
                }
            }

            if (maxBytes is { } limit && total > limit)
            {
                // No need to look further: the artifact is refused whatever else it holds.
                problems.Insert(0, $"{root} holds more than {SpecText.FormatBytes(limit)} of files, the limit for an artifact (slipway server --max-artifact-size)");
                break;
            }
        }

        if (more)
        {
            problems.Add($"{root} holds more problems than these {MaxProblems}; fix them and check again");
        }

        entries.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return (new ArtifactScan(root, entries, total), problems);
    }

    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Fifo => "a named pipe (FIFO)",
        FileKind.Socket => "a socket",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Directory => "a directory",
        FileKind.RegularFile => "a file",
        FileKind.Symlink => "a symlink",
        FileKind.Loop => "a symlink loop",
        FileKind.Missing => "missing",
        _ => "not a file, directory or symlink",
    };
}
