namespace Slipway.Local.Logs;

/// <summary>
/// Copy-truncate rotation: the file is copied to name.1 (older copies shift to .2, .3 …) and then
/// truncated in place. The process keeps its descriptor, opened with O_APPEND, so its next write
/// lands at the new end; moving the file instead would leave it writing to the rotated copy.
/// Lines written between the copy and the truncation are lost, the known price of copytruncate.
/// The file's time index (<see cref="LogTimeIndex"/>) goes with its copy: name.times becomes name.1.times,
/// closed by a checkpoint at the copy's length, and the truncated file starts a new one.
/// </summary>
internal static class LogRotator
{
    /// <param name="now">The time of the rotation: every byte copied was written before it.</param>
    /// <returns>True when the file was rotated.</returns>
    public static bool RotateIfLarger(string path, long maxBytes, int keep, DateTimeOffset now)
    {
        var info = new FileInfo(path);
        if (!info.Exists || info.Length <= maxBytes)
        {
            return false;
        }

        if (keep <= 0)
        {
            Truncate(path);
            LogTimeIndex.Delete(path);
            return true;
        }

        Delete($"{path}.{keep}");
        for (var i = keep - 1; i >= 1; i--)
        {
            Move($"{path}.{i}", $"{path}.{i + 1}");
        }

        File.Copy(path, $"{path}.1", overwrite: true);
        var copied = new FileInfo($"{path}.1").Length;
        if ((LogTimeIndex.ReadLast(path)?.Length ?? 0) < copied)
        {
            LogTimeIndex.Append(path, new LogCheckpoint(copied, now));
        }

        File.Move(LogTimeIndex.PathFor(path), LogTimeIndex.PathFor($"{path}.1"), overwrite: true);
        Truncate(path);
        return true;
    }

    private static void Delete(string path)
    {
        File.Delete(path);
        LogTimeIndex.Delete(path);
    }

    /// <summary>Moves a rotated file and its index; an index that is missing (an older Slipway wrote none) is removed at the target.</summary>
    private static void Move(string from, string to)
    {
        if (File.Exists(from))
        {
            File.Move(from, to, overwrite: true);
        }

        if (File.Exists(LogTimeIndex.PathFor(from)))
        {
            File.Move(LogTimeIndex.PathFor(from), LogTimeIndex.PathFor(to), overwrite: true);
        }
        else
        {
            LogTimeIndex.Delete(to);
        }
    }

    private static void Truncate(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        stream.SetLength(0);
    }
}
