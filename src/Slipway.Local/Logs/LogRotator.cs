namespace Slipway.Local.Logs;

/// <summary>
/// Copy-truncate rotation: the file is copied to name.1 (older copies shift to .2, .3 …) and then
/// truncated in place. The process keeps its descriptor, opened with O_APPEND, so its next write
/// lands at the new end; moving the file instead would leave it writing to the rotated copy.
/// Lines written between the copy and the truncation are lost, the known price of copytruncate.
/// </summary>
internal static class LogRotator
{
    /// <returns>True when the file was rotated.</returns>
    public static bool RotateIfLarger(string path, long maxBytes, int keep)
    {
        var info = new FileInfo(path);
        if (!info.Exists || info.Length <= maxBytes)
        {
            return false;
        }

        if (keep <= 0)
        {
            Truncate(path);
            return true;
        }

        File.Delete($"{path}.{keep}");
        for (var i = keep - 1; i >= 1; i--)
        {
            if (File.Exists($"{path}.{i}"))
            {
                File.Move($"{path}.{i}", $"{path}.{i + 1}", overwrite: true);
            }
        }

        File.Copy(path, $"{path}.1", overwrite: true);
        Truncate(path);
        return true;
    }

    private static void Truncate(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        stream.SetLength(0);
    }
}
