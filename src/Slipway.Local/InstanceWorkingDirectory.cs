using Slipway.Local.Files;

namespace Slipway.Local;

/// <summary>
/// Each instance runs in a copy of its artifact of its own, <c>{data}/workdirs/{instanceId}</c>, so that whatever it
/// writes or deletes there changes neither the artifact (kept read-only in the server's store) nor another instance's
/// files — mode bits alone would not stop a process running as root. The copy is made when the instance first starts
/// (File.Copy clones the file on Linux when the file system supports it — btrfs, XFS — so it costs no space until
/// written), kept across restarts of the process and adoption by a restarted controller, and removed when the
/// instance is stopped. A new instance starts from the artifact as it was built.
/// </summary>
internal static class InstanceWorkingDirectory
{
    private const string PartialMarker = ".partial-";

    public static string Root(string dataDirectory) => Path.Combine(dataDirectory, "workdirs");

    public static string PathFor(string dataDirectory, string instanceId) => Path.Combine(Root(dataDirectory), instanceId);

    /// <summary>
    /// Makes sure <paramref name="path"/> holds a copy of <paramref name="artifact"/>; an existing one is kept as it is
    /// (the instance's own changes survive its restarts). Copied under a temporary name and renamed into place, so a
    /// crash mid-copy never leaves a partial directory that would later pass for complete.
    /// </summary>
    public static void Ensure(string artifact, string path)
    {
        if (Directory.Exists(path))
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}{PartialMarker}{Guid.NewGuid():N}";
        try
        {
            Copy(artifact, temporary);
            Directory.Move(temporary, path);
        }
        finally
        {
            WritableTree.Delete(temporary);
        }
    }

    /// <summary>Removes an instance's copy, whatever the instance did to its modes.</summary>
    public static void Remove(string path) => WritableTree.Delete(path);

    /// <summary>
    /// Removes the copies (and partial copies) of instances not in <paramref name="instanceIds"/>: the controller
    /// died while stopping one, after its process was gone and before its copy was.
    /// </summary>
    /// <returns>The directories removed.</returns>
    public static IReadOnlyList<string> RemoveOrphans(string dataDirectory, IReadOnlySet<string> instanceIds)
    {
        var root = Root(dataDirectory);
        if (!Directory.Exists(root))
        {
            return [];
        }

        var removed = new List<string>();
        foreach (var directory in Directory.EnumerateDirectories(root))
        {
            var name = Path.GetFileName(directory);
            var partial = name.IndexOf(PartialMarker, StringComparison.Ordinal);
            if (!instanceIds.Contains(partial < 0 ? name : name[..partial]))
            {
                WritableTree.Delete(directory);
                removed.Add(directory);
            }
        }

        return removed;
    }

    private static void Copy(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        var directories = new Stack<string>();
        directories.Push("");
        while (directories.TryPop(out var relative))
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(Path.Combine(source, relative)))
            {
                var name = Path.Combine(relative, Path.GetFileName(entry));
                var target = Path.Combine(destination, name);
                switch (PosixFiles.Lstat(entry).Kind)
                {
                    case FileKind.Directory:
                        Directory.CreateDirectory(target);
                        directories.Push(name);
                        break;
                    case FileKind.RegularFile:
                        // Keeps the mode (executables stay executable); the copy is the instance's own to write.
                        File.Copy(entry, target);
                        AddOwnerWrite(target);
                        break;
                    case FileKind.Symlink:
                        File.CreateSymbolicLink(target, new FileInfo(entry).LinkTarget!);
                        break;

                    // Named pipes, sockets, devices: never in a stored artifact; opening one to copy it could block for ever.
                }
            }
        }
    }

    private static void AddOwnerWrite(string path)
    {
        // Linux only (setsid, /proc); the check is for the platform analyzer.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserWrite);
        }
    }
}
