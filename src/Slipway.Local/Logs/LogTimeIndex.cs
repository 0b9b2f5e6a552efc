using System.Buffers.Binary;

namespace Slipway.Local.Logs;

/// <summary>
/// The time index of a log file, beside it as <c>NAME.log.times</c> (and <c>NAME.log.1.times</c> for the rotated
/// <c>NAME.log.1</c>): the supervisor's <see cref="LogCheckpoint"/>s, in order, each 16 bytes (length, then Unix time
/// in milliseconds; both little-endian 64-bit integers). Fixed-size records make a torn last write harmless (a
/// partial record is ignored) and appending cheap; one is written per look that found the file grown, so the index
/// costs 16 bytes per second in which the app logged, and nothing while it is quiet.
/// </summary>
internal static class LogTimeIndex
{
    public const string Extension = ".times";
    private const int RecordSize = 16;

    /// <summary>The index of <paramref name="logPath"/>.</summary>
    public static string PathFor(string logPath) => logPath + Extension;

    public static void Append(string logPath, LogCheckpoint checkpoint)
    {
        Span<byte> record = stackalloc byte[RecordSize];
        BinaryPrimitives.WriteInt64LittleEndian(record, checkpoint.Length);
        // Rounded up: a line's time is never before the moment it was written.
        var milliseconds = (checkpoint.Time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond;
        BinaryPrimitives.WriteInt64LittleEndian(record[8..], milliseconds);
        using var stream = new FileStream(PathFor(logPath), FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        // A record torn by a crash mid-write is dropped, so that the ones after it stay aligned.
        stream.SetLength(stream.Length - (stream.Length % RecordSize));
        stream.Position = stream.Length;
        stream.Write(record);
    }

    /// <summary>Every checkpoint of the index of <paramref name="logPath"/>, oldest first; none when it has no index.</summary>
    public static IReadOnlyList<LogCheckpoint> Read(string logPath)
    {
        byte[] bytes;
        try
        {
            using var stream = Open(logPath);
            bytes = new byte[stream.Length - (stream.Length % RecordSize)];
            stream.ReadExactly(bytes);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return [];
        }

        var checkpoints = new LogCheckpoint[bytes.Length / RecordSize];
        for (var i = 0; i < checkpoints.Length; i++)
        {
            checkpoints[i] = Decode(bytes.AsSpan(i * RecordSize, RecordSize));
        }

        return checkpoints;
    }

    /// <summary>The newest checkpoint of the index of <paramref name="logPath"/>, if it has one.</summary>
    public static LogCheckpoint? ReadLast(string logPath)
    {
        try
        {
            using var stream = Open(logPath);
            var whole = stream.Length - (stream.Length % RecordSize);
            if (whole == 0)
            {
                return null;
            }

            Span<byte> record = stackalloc byte[RecordSize];
            stream.Position = whole - RecordSize;
            stream.ReadExactly(record);
            return Decode(record);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public static void Delete(string logPath) => File.Delete(PathFor(logPath));

    private static LogCheckpoint Decode(ReadOnlySpan<byte> record) => new(
        BinaryPrimitives.ReadInt64LittleEndian(record),
        DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64LittleEndian(record[8..])));

    private static FileStream Open(string logPath) =>
        new(PathFor(logPath), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
}
