using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Slipway.Router.AccessLog;

/// <summary>
/// Where the access log's bytes go: standard output, or a file that is rotated by size so that a busy router never
/// fills the disk. At <see cref="MaxBytes"/> the file is renamed <c>access.log.1</c> (the older rotated files shift to
/// <c>.2</c>, <c>.3</c> …, the one past <see cref="RotatedFiles"/> is deleted) and a new file is opened: the names of
/// the instance logs' rotation (Slipway.Local's <c>LogRotator</c>), so one habit reads both. Unlike that rotator, which
/// must copy and truncate a file another process keeps open, the router is the only writer of its file, so it renames
/// and reopens, and loses no line. A file never grows past <see cref="MaxBytes"/> unless one line alone is longer.
/// </summary>
/// <remarks>Not thread-safe: the access log's single writer task uses it.</remarks>
internal sealed partial class AccessLogFile : IAsyncDisposable
{
    private readonly string? _path;
    private readonly ILogger _logger;
    private Stream _stream;

    private AccessLogFile(string? path, long maxBytes, int rotatedFiles, ILogger logger)
    {
        _path = path;
        MaxBytes = maxBytes;
        RotatedFiles = rotatedFiles;
        _logger = logger;
        _stream = path is null ? Console.OpenStandardOutput() : OpenFile(path);
        Length = path is null ? 0 : _stream.Length;
    }

    /// <summary>The size at which the file is rotated.</summary>
    public long MaxBytes { get; }

    /// <summary>Rotated files kept beside the file: <c>name.1</c> (newest) … <c>name.N</c>.</summary>
    public int RotatedFiles { get; }

    /// <summary>The bytes the current file holds (what it held when opened, plus what was written since).</summary>
    public long Length { get; private set; }

    /// <param name="path">The file; standard output (never rotated) when null.</param>
    public static AccessLogFile Open(string? path, long maxBytes, int rotatedFiles, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        ArgumentOutOfRangeException.ThrowIfNegative(rotatedFiles);
        return new AccessLogFile(path, maxBytes, rotatedFiles, logger);
    }

    /// <summary>
    /// Whether a line of <paramref name="line"/> bytes, after <paramref name="buffered"/> bytes not written yet, would
    /// take the file past <see cref="MaxBytes"/>, so the file should be rotated before the line. Never when the line
    /// would be the first of its file: a line longer than the limit is still written, alone in its file.
    /// </summary>
    public bool IsFullFor(long buffered, long line) => _path is not null && Length + buffered > 0 && Length + buffered + line > MaxBytes;

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return;
        }

        await _stream.WriteAsync(bytes).ConfigureAwait(false);
        Length += bytes.Length;
    }

    public Task FlushAsync() => _stream.FlushAsync();

    /// <summary>
    /// Closes the file, shifts the rotated files and opens a new, empty one. When the renames fail (a read-only
    /// directory, a file that another program holds), the router keeps appending to the file it has and tries
    /// again only after another <see cref="MaxBytes"/>: the access log must never stop the traffic, nor log a
    /// failure for every line.
    /// </summary>
    public async ValueTask RotateAsync()
    {
        if (_path is null)
        {
            return;
        }

        await _stream.DisposeAsync().ConfigureAwait(false);
        try
        {
            ShiftRotated(_path, RotatedFiles);
            _stream = OpenFile(_path);
            Length = _stream.Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.RotationFailed(_logger, _path, e);
            _stream = OpenFile(_path);
            Length = 0;
        }
    }

    public ValueTask DisposeAsync() => _stream.DisposeAsync();

    /// <summary>
    /// <c>name</c> becomes <c>name.1</c>, <c>name.1</c> becomes <c>name.2</c> …; <c>name.K</c> (K = <paramref name="keep"/>)
    /// and any older file left by a larger setting are deleted. With nothing to keep, the file is deleted.
    /// </summary>
    private static void ShiftRotated(string path, int keep)
    {
        DeleteRotatedBeyond(path, keep - 1);
        for (var i = keep - 1; i >= 1; i--)
        {
            var from = Rotated(path, i);
            if (File.Exists(from))
            {
                File.Move(from, Rotated(path, i + 1), overwrite: true);
            }
        }

        if (keep == 0)
        {
            File.Delete(path);
        }
        else if (File.Exists(path))
        {
            File.Move(path, Rotated(path, 1), overwrite: true);
        }
    }

    /// <summary>Deletes <c>name.N</c> for every N above <paramref name="last"/>.</summary>
    private static void DeleteRotatedBeyond(string path, int last)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var prefix = Path.GetFileName(path) + ".";
        foreach (var file in Directory.EnumerateFiles(directory, prefix + "*"))
        {
            var name = Path.GetFileName(file);
            var suffix = name.Length > prefix.Length ? name[prefix.Length..] : ""; // the pattern "name.*" matches "name" too
            if (suffix.Length > 0 && suffix.All(char.IsAsciiDigit)
                && int.TryParse(suffix, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > last)
            {
                File.Delete(file);
            }
        }
    }

    private static string Rotated(string path, int n) => path + "." + n.ToString(CultureInfo.InvariantCulture);

    private static FileStream OpenFile(string path) =>
        new(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1, useAsync: true);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Cannot rotate the access log {Path}; appending to it until it has grown by its size limit again")]
        public static partial void RotationFailed(ILogger logger, string path, Exception exception);
    }
}
