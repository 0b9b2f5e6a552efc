namespace Slipway.Local.Files;

/// <summary>
/// Deletes a directory tree that may hold read-only artifact copies (a data directory, a test's temporary one).
/// Removing an entry needs write permission on its directory, which the store's copies do not have, so the
/// owner's write bit is given back to every directory first (as root it would not matter; as anyone else it does).
/// </summary>
public static class WritableTree
{
    public static void Delete(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!Directory.Exists(path))
        {
            return;
        }

        var directories = new Stack<string>();
        directories.Push(path);
        while (directories.TryPop(out var directory))
        {
            var info = new DirectoryInfo(directory);
            if (info.LinkTarget is not null)
            {
                continue; // a symlink: never follow it out of the tree
            }

            if (!OperatingSystem.IsWindows())
            {
                info.UnixFileMode |= UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
            }

            foreach (var child in info.EnumerateDirectories())
            {
                directories.Push(child.FullName);
            }
        }

        Directory.Delete(path, recursive: true);
    }
}
