namespace Slipway.Oci.Sbom;

/// <summary>
/// Collects the wanted files of a plain directory (a directory artifact, an unpacked image), so the same cataloguers
/// run over it as over an image. Symbolic links to directories are not followed (they can loop, and can leave the
/// artifact); a link to a file is read only when its target is inside the directory.
/// </summary>
internal static class DirectoryFiles
{
    public static async Task<CollectedFiles> ReadAsync(string root, Func<string, bool> wanted, CancellationToken ct, long maxFileBytes = ImageFileSystem.DefaultMaxFileBytes)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        var top = new DirectoryInfo(root);
        if (!top.Exists)
        {
            throw new DirectoryNotFoundException($"{root} is not a directory: expected the artifact's folder");
        }

        var rootPath = Path.TrimEndingDirectorySeparator(top.FullName) + Path.DirectorySeparatorChar;
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        var notes = new List<string>();
        var pending = new Stack<DirectoryInfo>([top]);
        while (pending.TryPop(out var dir))
        {
            ct.ThrowIfCancellationRequested();
            foreach (var entry in dir.EnumerateFileSystemInfos("*", new EnumerationOptions { IgnoreInaccessible = true, AttributesToSkip = 0 }))
            {
                if (entry is DirectoryInfo sub)
                {
                    if (sub.LinkTarget is null)
                    {
                        pending.Push(sub);
                    }

                    continue;
                }

                var path = CollectedFiles.Normalize(Path.GetRelativePath(top.FullName, entry.FullName));
                if (!wanted(path))
                {
                    continue;
                }

                var file = (FileInfo)entry;
                if (file.LinkTarget is not null)
                {
                    var target = file.ResolveLinkTarget(returnFinalTarget: true);
                    if (target is not FileInfo { Exists: true } targetFile || !targetFile.FullName.StartsWith(rootPath, StringComparison.Ordinal))
                    {
                        notes.Add($"/{path} is a link outside the directory or to nothing: skipped");
                        continue;
                    }

                    file = targetFile;
                }

                if (file.Length > maxFileBytes)
                {
                    notes.Add($"/{path} is {file.Length} bytes, above the {maxFileBytes}-byte limit: skipped");
                    continue;
                }

                files[path] = await File.ReadAllBytesAsync(file.FullName, ct).ConfigureAwait(false);
            }
        }

        return new CollectedFiles(files, notes);
    }
}
