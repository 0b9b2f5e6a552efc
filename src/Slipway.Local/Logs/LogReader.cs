using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Slipway.Local.Logs;

/// <summary>
/// Reads the logs of an app×env (one revision or all retained ones), merging the files of its
/// instances: by file for the history, by arrival when following. Processes write raw stdout, so a
/// line's time comes from the file's time index (<see cref="LogTimeline"/>), only when asked for.
/// </summary>
public sealed class LogReader
{
    private const int ChunkSize = 64 * 1024;

    private readonly string _root;
    private readonly TimeProvider _time;
    private readonly TimeSpan _pollInterval;

    /// <param name="dataDirectory">The supervisor's data directory.</param>
    /// <param name="pollInterval">How often a follow looks for new lines and new files; 250 ms by default.</param>
    public LogReader(string dataDirectory, TimeProvider time, TimeSpan? pollInterval = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        ArgumentNullException.ThrowIfNull(time);
        _root = LogLayout.Root(dataDirectory);
        _time = time;
        _pollInterval = pollInterval ?? TimeSpan.FromMilliseconds(250);
    }

    /// <summary>
    /// The history of each instance's log, ordered by revision then instance: the last <see cref="LogQuery.Tail"/>
    /// lines of its current file, or with <see cref="LogQuery.Since"/> its lines from then on, rotated files
    /// included (then the last <see cref="LogQuery.Tail"/> of those). Then, with <see cref="LogQuery.Follow"/>, every
    /// new line as it is written, including from instances that start later, until <paramref name="ct"/> is
    /// cancelled — which ends a follow quietly.
    /// </summary>
    public async IAsyncEnumerable<LogLine> ReadAsync(
        string app,
        string environment,
        LogQuery query,
        [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(app);
        ArgumentException.ThrowIfNullOrEmpty(environment);
        ArgumentNullException.ThrowIfNull(query);
        var cursors = new Dictionary<string, Cursor>(StringComparer.Ordinal);
        foreach (var cursor in Files(app, environment, query.Revision))
        {
            ct.ThrowIfCancellationRequested();
            cursors[cursor.Path] = cursor;
            var (lines, end) = query.Since is { } since
                ? ReadSince(cursor.Path, since, query.Tail, completeLinesOnly: query.Follow, query.Times)
                : ReadTail(cursor.Path, query.Tail, completeLinesOnly: query.Follow, query.Times);
            cursor.Offset = end;
            foreach (var line in lines)
            {
                yield return new LogLine(cursor.InstanceId, cursor.Revision, line.Text, line.Time);
            }
        }

        if (!query.Follow)
        {
            yield break;
        }

        while (await WaitAsync(ct).ConfigureAwait(false))
        {
            foreach (var cursor in Files(app, environment, query.Revision))
            {
                // A file that appears while following is new: read it from its start.
                cursors.TryAdd(cursor.Path, cursor);
            }

            foreach (var cursor in cursors.Values.ToList())
            {
                if (!File.Exists(cursor.Path))
                {
                    cursors.Remove(cursor.Path);
                    continue;
                }

                foreach (var line in ReadNew(cursor, query.Times))
                {
                    yield return new LogLine(cursor.InstanceId, cursor.Revision, line.Text, line.Time);
                }
            }
        }
    }

    private async Task<bool> WaitAsync(CancellationToken ct)
    {
        try
        {
            await Task.Delay(_pollInterval, _time, ct).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private IEnumerable<Cursor> Files(string app, string environment, int? revision)
    {
        foreach (var (rev, dir) in LogLayout.Revisions(_root, app, environment))
        {
            if (revision is { } wanted && wanted != rev)
            {
                continue;
            }

            IEnumerable<string> files;
            try
            {
                files = Directory.EnumerateFiles(dir, "*" + LogLayout.Extension).Order(StringComparer.Ordinal).ToList();
            }
            catch (DirectoryNotFoundException)
            {
                continue; // pruned meanwhile
            }

            foreach (var path in files)
            {
                yield return new Cursor(path, Path.GetFileNameWithoutExtension(path), rev);
            }
        }
    }

    /// <summary>
    /// Complete lines written since the cursor; a shrunken file was rotated (copy-truncated) and is read again from
    /// its start. Their time is the file's last write, which is after they were written and, polled as often as
    /// a follow polls, within a fraction of a second of it.
    /// </summary>
    private static List<TimedText> ReadNew(Cursor cursor, bool times)
    {
        try
        {
            using var stream = Open(cursor.Path);
            if (stream.Length < cursor.Offset)
            {
                cursor.Offset = 0;
            }

            if (stream.Length == cursor.Offset)
            {
                return [];
            }

            DateTimeOffset? time = times ? new DateTimeOffset(File.GetLastWriteTimeUtc(cursor.Path), TimeSpan.Zero) : null;
            stream.Position = cursor.Offset;
            var bytes = new byte[stream.Length - cursor.Offset];
            stream.ReadExactly(bytes);
            var lastNewline = Array.LastIndexOf(bytes, (byte)'\n');
            if (lastNewline < 0)
            {
                return [];
            }

            var lines = Split(bytes.AsSpan(0, lastNewline + 1), cursor.Offset).Select(l => new TimedText(l.Text, time)).ToList();
            cursor.Offset += lastNewline + 1;
            return lines;
        }
        catch (FileNotFoundException)
        {
            return [];
        }
    }

    /// <summary>The last <paramref name="count"/> lines, and the offset just after them.</summary>
    private static (List<TimedText> Lines, long End) ReadTail(string path, int count, bool completeLinesOnly, bool times)
    {
        try
        {
            List<OffsetText> lines;
            long end;
            using (var stream = Open(path))
            {
                var length = stream.Length;
                end = completeLinesOnly ? AfterLastNewline(stream, length) : length;
                if (count == 0 || end == 0)
                {
                    return ([], end);
                }

                var start = count < 0 ? 0 : StartOfLastLines(stream, end, count);
                lines = ReadLines(stream, start, end);
            }

            var timeline = times ? LogTimeline.Load(path) : null;
            return ([.. lines.Select(l => new TimedText(l.Text, timeline?.TimeOf(l.Offset)))], end);
        }
        catch (FileNotFoundException)
        {
            return ([], 0);
        }
    }

    /// <summary>
    /// The lines from <paramref name="since"/> on, in the rotated files (oldest first) and then the file itself,
    /// found through their time indexes; the last <paramref name="count"/> of them (all when negative); and the
    /// offset in the file where they end.
    /// </summary>
    private static (List<TimedText> Lines, long End) ReadSince(string path, DateTimeOffset since, int count, bool completeLinesOnly, bool times)
    {
        var found = new List<TimedText>();
        long end = 0;
        foreach (var file in RotatedFiles(path).Append(path))
        {
            var current = file == path;
            try
            {
                var timeline = LogTimeline.Load(file);
                if (timeline is null)
                {
                    continue;
                }

                using var stream = Open(file);
                var fileEnd = current && completeLinesOnly ? AfterLastNewline(stream, stream.Length) : stream.Length;
                if (current)
                {
                    end = fileEnd;
                }

                var start = StartOfLineAtOrAfter(stream, Math.Min(timeline.OffsetSince(since), fileEnd));
                foreach (var line in start < fileEnd ? ReadLines(stream, start, fileEnd) : [])
                {
                    var time = timeline.TimeOf(line.Offset);
                    if (time >= since)
                    {
                        found.Add(new TimedText(line.Text, times ? time : null));
                    }
                }
            }
            catch (FileNotFoundException)
            {
                // rotated or pruned meanwhile
            }
        }

        return (count < 0 || found.Count <= count ? found : found[^count..], end);
    }

    /// <summary>The rotated copies of <paramref name="path"/> (name.log.1 is the newest), oldest first.</summary>
    private static IEnumerable<string> RotatedFiles(string path)
    {
        var prefix = Path.GetFileName(path) + ".";
        try
        {
            // The pattern also matches the file itself (.NET reads "name.*" as "name" with any extension, or none).
            return Directory.EnumerateFiles(Path.GetDirectoryName(path)!, prefix + "*")
                .Select(f => Path.GetFileName(f) is var name && name.Length > prefix.Length
                    ? (Path: f, Ok: int.TryParse(name[prefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var n), Number: n)
                    : (Path: f, Ok: false, Number: 0))
                .Where(f => f.Ok)
                .OrderByDescending(f => f.Number)
                .Select(f => f.Path)
                .ToList();
        }
        catch (DirectoryNotFoundException)
        {
            return [];
        }
    }

    /// <summary><paramref name="offset"/> when a line starts there, else the start of the next line (or the end).</summary>
    private static long StartOfLineAtOrAfter(FileStream stream, long offset)
    {
        if (offset == 0)
        {
            return 0;
        }

        stream.Position = offset - 1;
        int b;
        while ((b = stream.ReadByte()) >= 0)
        {
            if (b == '\n')
            {
                return stream.Position;
            }
        }

        return stream.Length;
    }

    private static List<OffsetText> ReadLines(FileStream stream, long start, long end)
    {
        var bytes = new byte[end - start];
        stream.Position = start;
        stream.ReadExactly(bytes);
        return Split(bytes, start);
    }

    private static long AfterLastNewline(FileStream stream, long length)
    {
        var found = ScanBackward(stream, length, 1);
        return found < 0 ? 0 : found + 1;
    }

    private static long StartOfLastLines(FileStream stream, long end, int count)
    {
        // The newline ending the last line does not separate it from anything: skip it.
        stream.Position = end - 1;
        var trailing = stream.ReadByte() == '\n' ? 1 : 0;
        var found = ScanBackward(stream, end, count + trailing);
        return found < 0 ? 0 : found + 1;
    }

    /// <summary>The position of the <paramref name="nth"/> newline before <paramref name="end"/>, or −1.</summary>
    private static long ScanBackward(FileStream stream, long end, int nth)
    {
        var buffer = new byte[ChunkSize];
        var position = end;
        var seen = 0;
        while (position > 0)
        {
            var size = (int)Math.Min(ChunkSize, position);
            position -= size;
            stream.Position = position;
            stream.ReadExactly(buffer, 0, size);
            for (var i = size - 1; i >= 0; i--)
            {
                if (buffer[i] == '\n' && ++seen == nth)
                {
                    return position + i;
                }
            }
        }

        return -1;
    }

    /// <summary>The lines of <paramref name="bytes"/>, which begin at <paramref name="offset"/> in their file, each with its offset.</summary>
    private static List<OffsetText> Split(ReadOnlySpan<byte> bytes, long offset)
    {
        var lines = new List<OffsetText>();
        var start = 0;
        while (start < bytes.Length)
        {
            var newline = bytes[start..].IndexOf((byte)'\n');
            var length = newline < 0 ? bytes.Length - start : newline;
            lines.Add(new OffsetText(offset + start, Encoding.UTF8.GetString(bytes.Slice(start, length)).TrimEnd('\r')));
            start += length + 1;
        }

        return lines;
    }

    private static FileStream Open(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

    private readonly record struct OffsetText(long Offset, string Text);

    private readonly record struct TimedText(string Text, DateTimeOffset? Time);

    private sealed class Cursor(string path, string instanceId, int revision)
    {
        public string Path { get; } = path;

        public string InstanceId { get; } = instanceId;

        public int Revision { get; } = revision;

        public long Offset { get; set; }
    }
}
