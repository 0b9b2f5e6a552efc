namespace Slipway.Local.Logs;

/// <summary>
/// When each byte of one log file was written, to within the supervisor's look interval, from the file's
/// <see cref="LogTimeIndex"/>: a line's time is that of the first checkpoint that found the file past the line's
/// first byte. Bytes no checkpoint covers yet (written since the supervisor last looked, or while no supervisor ran)
/// get the file's last-write time, which is also never before they were written.
/// </summary>
/// <example>
/// Checkpoints (120 bytes at 10:00:01), (300 at 10:00:05) and a file of 350 bytes last written at 10:00:06: a line
/// starting at byte 0 or 119 is from 10:00:01, one at byte 120 or 299 from 10:00:05, one at byte 300 from 10:00:06.
/// Since 10:00:03 means from byte 120 on.
/// </example>
internal sealed class LogTimeline
{
    private readonly long[] _lengths;
    private readonly DateTimeOffset[] _times;
    private readonly long _fileLength;
    private readonly DateTimeOffset _lastWrite;

    public LogTimeline(IReadOnlyList<LogCheckpoint> checkpoints, long fileLength, DateTimeOffset lastWrite)
    {
        ArgumentNullException.ThrowIfNull(checkpoints);
        // Checkpoints past the end belong to content the file no longer has (truncated): they say nothing of it.
        var valid = checkpoints.Where(c => c.Length <= fileLength).ToList();
        _lengths = [.. valid.Select(c => c.Length)];
        _times = new DateTimeOffset[valid.Count];
        var latest = DateTimeOffset.MinValue;
        for (var i = 0; i < valid.Count; i++)
        {
            // Kept non-decreasing whatever the clock did, so that a search by time is a search by offset.
            latest = valid[i].Time > latest ? valid[i].Time : latest;
            _times[i] = latest;
        }

        _fileLength = fileLength;
        _lastWrite = lastWrite > latest ? lastWrite : latest;
    }

    /// <summary>The timeline of the file at <paramref name="logPath"/> as it is now; null when there is no such file.</summary>
    public static LogTimeline? Load(string logPath)
    {
        var info = new FileInfo(logPath);
        if (!info.Exists)
        {
            return null;
        }

        return new LogTimeline(LogTimeIndex.Read(logPath), info.Length, new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero));
    }

    /// <summary>The time of the line that starts at <paramref name="offset"/>.</summary>
    public DateTimeOffset TimeOf(long offset)
    {
        // The first checkpoint whose length is past the offset.
        var index = Array.BinarySearch(_lengths, offset + 1);
        index = index < 0 ? ~index : FirstOf(_lengths, index);
        return index < _lengths.Length ? _times[index] : _lastWrite;
    }

    /// <summary>
    /// Where the lines from <paramref name="since"/> on may begin: every line before it is older. It may fall inside
    /// a line (that line is older too); the caller starts at the next line and still checks each line's time.
    /// </summary>
    public long OffsetSince(DateTimeOffset since)
    {
        var index = Array.BinarySearch(_times, since);
        index = index < 0 ? ~index : FirstOf(_times, index);
        if (index < _times.Length)
        {
            return index == 0 ? 0 : _lengths[index - 1];
        }

        return _lastWrite >= since ? (_lengths.Length == 0 ? 0 : _lengths[^1]) : _fileLength;
    }

    private static int FirstOf<T>(T[] sorted, int found)
        where T : IEquatable<T>
    {
        while (found > 0 && sorted[found - 1].Equals(sorted[found]))
        {
            found--;
        }

        return found;
    }
}
