namespace Slipway.Local.Files;

/// <summary>
/// Replaces a file's content in one step: written beside it under a temporary name, flushed, then
/// renamed over it. A reader sees the old content or the new, never an empty or half-written file
/// (which <see cref="File.WriteAllBytes(string, byte[])"/>, truncating first, lets it see).
/// </summary>
internal static class AtomicFile
{
    public static void Write(string path, ReadOnlySpan<byte> content)
    {
        var fullPath = Path.GetFullPath(path);
        // Same directory as the target, so the rename stays on one file system.
        var temporary = Path.Combine(Path.GetDirectoryName(fullPath)!, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    public static void WriteText(string path, string content) => Write(path, System.Text.Encoding.UTF8.GetBytes(content));
}
