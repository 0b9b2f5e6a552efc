using System.Runtime.CompilerServices;
using System.Text;

namespace Slipway.Local.Logs;

/// <summary>
/// Reads the logs of an app×env (one revision or all retained ones), merging the files of its
/// instances. Lines carry no timestamp (processes write raw stdout), so merging is by file for
/// the tail and by arrival when following.
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
        _root = Path.Combine(Path.GetFullPath(dataDirectory), "logs");
        _time = time;
        _pollInterval = pollInterval ?? TimeSpan.FromMilliseconds(250);
    }

    /// <summary>
    /// The last <paramref name="tail"/> lines of each instance's current log file (all of them when
    /// negative; rotated files are not read), ordered by revision then instance; then, with
    /// <paramref name="follow"/>, every new line as it is written, including from instances that
    /// start later, until <paramref name="ct"/> is cancelled — which ends a follow quietly.
    /// </summary>
    public async IAsyncEnumerable<LogLine> ReadAsync(
        string app,
        string environment,
        int? revision,
        bool follow,
        int tail,
        [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(app);
        ArgumentException.ThrowIfNullOrEmpty(environment);
        var cursors = new Dictionary<string, Cursor>(StringComparer.Ordinal);
        foreach (var cursor in Files(app, environment, revision))
        {
            ct.ThrowIfCancellationRequested();
            cursors[cursor.Path] = cursor;
            var (lines, end) = ReadTail(cursor.Path, tail, completeLinesOnly: follow);
            cursor.Offset = end;
            foreach (var text in lines)
            {
                yield return new LogLine(cursor.InstanceId, cursor.Revision, text);
            }
        }

        if (!follow)
        {
            yield break;
        }

        while (await WaitAsync(ct).ConfigureAwait(false))
        {
            foreach (var cursor in Files(app, environment, revision))
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

                foreach (var text in ReadNew(cursor))
                {
                    yield return new LogLine(cursor.InstanceId, cursor.Revision, text);
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

    /// <summary>Complete lines written since the cursor; a shrunken file was rotated (copy-truncated) and is read again from its start.</summary>
    private static List<string> ReadNew(Cursor cursor)
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

            stream.Position = cursor.Offset;
            var bytes = new byte[stream.Length - cursor.Offset];
            stream.ReadExactly(bytes);
            var lastNewline = Array.LastIndexOf(bytes, (byte)'\n');
            if (lastNewline < 0)
            {
                return [];
            }

            cursor.Offset += lastNewline + 1;
            return Split(bytes.AsSpan(0, lastNewline + 1));
        }
        catch (FileNotFoundException)
        {
            return [];
        }
    }

    /// <summary>The last <paramref name="count"/> lines, and the offset just after them.</summary>
    private static (List<string> Lines, long End) ReadTail(string path, int count, bool completeLinesOnly)
    {
        try
        {
            using var stream = Open(path);
            var length = stream.Length;
            var end = completeLinesOnly ? AfterLastNewline(stream, length) : length;
            if (count == 0 || end == 0)
            {
                return ([], end);
            }

            var start = count < 0 ? 0 : StartOfLastLines(stream, end, count);
            var bytes = new byte[end - start];
            stream.Position = start;
            stream.ReadExactly(bytes);
            return (Split(bytes), end);
        }
        catch (FileNotFoundException)
        {
            return ([], 0);
        }
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

    private static List<string> Split(ReadOnlySpan<byte> bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var lines = text.Split('\n').Select(line => line.TrimEnd('\r')).ToList();
        if (text.EndsWith('\n'))
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return lines;
    }

    private static FileStream Open(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

    private sealed class Cursor(string path, string instanceId, int revision)
    {
        public string Path { get; } = path;

        public string InstanceId { get; } = instanceId;

        public int Revision { get; } = revision;

        public long Offset { get; set; }
    }
}
