namespace Slipway.Local.Logs;

/// <summary>
/// Writes the time indexes of the supervised logs (see <see cref="LogTimeIndex"/>) and rotates the logs that grew
/// too large. The supervisor calls <see cref="Look"/> once a second: each log costs one <c>stat</c>, and a write
/// only when it grew — 16 bytes to its index. An idle app costs a stat a second and writes nothing, so a thousand
/// quiet instances cost a thousand stats a second (about a millisecond of CPU) and no disk writes.
/// Instances write straight to their files, with no process between them and the file, which is what lets them
/// keep logging while no controller runs; the price is that a line's time is when the supervisor saw it.
/// </summary>
/// <remarks>Not thread-safe: one loop calls it.</remarks>
internal sealed class LogCheckpointer(long maxBytes, int rotatedFiles, TimeProvider time)
{
    // The length each log's index last recorded, so a look reads no index.
    private readonly Dictionary<string, long> _indexed = new(StringComparer.Ordinal);

    /// <summary>Checkpoints every log of <paramref name="logPaths"/> that grew, then rotates those past the size limit.</summary>
    /// <returns>The logs rotated, and the failures (one log's does not keep the others from being looked at).</returns>
    public LogLook Look(IEnumerable<string> logPaths)
    {
        ArgumentNullException.ThrowIfNull(logPaths);
        var rotated = new List<string>();
        var failures = new List<Exception>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in logPaths)
        {
            seen.Add(path);
            try
            {
                if (LookAt(path))
                {
                    rotated.Add(path);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _indexed.Remove(path); // read again from disk next time
                failures.Add(e);
            }
        }

        foreach (var gone in _indexed.Keys.Where(k => !seen.Contains(k)).ToList())
        {
            _indexed.Remove(gone);
        }

        return new LogLook(rotated, failures);
    }

    /// <returns>True when the log was rotated.</returns>
    private bool LookAt(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return false;
        }

        if (!_indexed.TryGetValue(path, out var indexed))
        {
            // First look since this supervisor started (or adopted the instance): the index on disk says where it stopped.
            indexed = LogTimeIndex.ReadLast(path)?.Length ?? 0;
        }

        if (info.Length < indexed)
        {
            // Shorter than indexed: truncated by something other than our rotation (or a crash in the middle of
            // one). The index describes content that is gone.
            LogTimeIndex.Delete(path);
            indexed = 0;
        }

        if (info.Length > indexed)
        {
            // The last-write time, not the clock: the newest line gets its exact time; the others, at most one
            // look late. After a time with no supervisor, the lines of that time get the last write before it.
            LogTimeIndex.Append(path, new LogCheckpoint(info.Length, new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero)));
            indexed = info.Length;
        }

        var rotated = info.Length > maxBytes && LogRotator.RotateIfLarger(path, maxBytes, rotatedFiles, time.GetUtcNow());
        _indexed[path] = rotated ? 0 : indexed;
        return rotated;
    }
}

/// <summary>What one <see cref="LogCheckpointer.Look"/> did: the logs it rotated and what failed.</summary>
internal sealed record LogLook(IReadOnlyList<string> Rotated, IReadOnlyList<Exception> Failures);
