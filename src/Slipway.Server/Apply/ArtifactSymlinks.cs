using Slipway.Local.Files;

namespace Slipway.Server.Apply;

/// <summary>
/// Decides whether a symlink inside an artifact stays inside it. The link's target is resolved the way the
/// kernel would, one component at a time, following every symlink met on the way (a link to a directory that
/// is itself a link, say), so that <c>a -> d/..</c> with <c>d -> .</c> is seen to leave the directory although
/// its text does not. Symlinks are kept as symlinks in the copy, so what counts is where they lead.
/// </summary>
internal static class ArtifactSymlinks
{
    // As Linux's MAXSYMLINKS: more links than this on one path is a loop.
    private const int MaxLinks = 40;

    /// <summary>Null when the symlink at <paramref name="link"/> (relative, '/'-separated) leads to something inside <paramref name="root"/>; otherwise why not.</summary>
    public static string? Check(string root, string link, string target)
    {
        if (Path.IsPathRooted(target))
        {
            return $"is a symlink to the absolute path '{target}', outside the artifact directory";
        }

        // The link's own parents are real directories: the scan does not follow symlinks.
        var resolved = link.Split('/')[..^1].ToList();
        var pending = new Stack<string>(Components(target));
        var links = 1;
        while (pending.TryPop(out var component))
        {
            if (component is "" or ".")
            {
                continue;
            }

            if (component == "..")
            {
                if (resolved.Count == 0)
                {
                    return $"is a symlink to '{target}', which leads outside the artifact directory";
                }

                resolved.RemoveAt(resolved.Count - 1);
                continue;
            }

            var candidate = string.Join('/', [.. resolved, component]);
            var status = PosixFiles.Lstat(Path.Combine(root, candidate));
            switch (status.Kind)
            {
                case FileKind.Missing:
                    return $"is a symlink to '{target}', which does not exist";
                case FileKind.Symlink:
                    if (++links > MaxLinks)
                    {
                        return $"is a symlink loop ('{target}' never leads to a file or directory)";
                    }

                    var next = new FileInfo(Path.Combine(root, candidate)).LinkTarget ?? "";
                    if (Path.IsPathRooted(next))
                    {
                        return $"is a symlink to '{target}', which leads outside the artifact directory (through {candidate} -> {next})";
                    }

                    foreach (var part in Components(next))
                    {
                        pending.Push(part);
                    }

                    break;
                case FileKind.Directory:
                    resolved.Add(component);
                    break;
                default:
                    if (pending.Any(p => p is not ("" or ".")))
                    {
                        return $"is a symlink to '{target}', which does not exist ({candidate} is not a directory)";
                    }

                    resolved.Add(component);
                    break;
            }
        }

        return null;
    }

    // Reversed, so that popping the stack yields them in order.
    private static IEnumerable<string> Components(string path) => path.Split('/').Reverse();
}
