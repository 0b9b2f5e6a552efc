using Microsoft.Extensions.Logging;
using Slipway.Oci.Vulnerabilities;

namespace Slipway.Server.Supply;

/// <summary>
/// The server's offline advisory database (<c>slipway server --advisories PATH</c>): a folder of OSV files or a .zip
/// of them, which the user refreshes as often as they like. It is read whole at start, so a broken database stops
/// the server rather than silently matching less; and read again at the first use after the files changed — the
/// newest modification time of the path and, for a folder, of every file in it (editing one advisory deep in a folder
/// does not touch the folder's own time). Checking at use rather than watching costs one directory listing per scan
/// or promotion, which are rare, and needs no thread and no inotify watch that a network file system would not honour.
/// </summary>
/// <remarks>
/// A database that breaks after start (a half-downloaded zip) is not replaced by nothing: every gate that needs it
/// refuses, naming the broken files, until it is fixed — a gate that let everything through because its database
/// did not load would be worse than no gate. Without <c>--advisories</c>, scans and gates say how to configure one.
/// </remarks>
internal sealed partial class AdvisoryDatabase
{
    private readonly string? _path;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _loading = new(1, 1);
    private volatile Snapshot? _current;
    private volatile string? _broken;

    public AdvisoryDatabase(ServerOptions options, TimeProvider time, ILogger<AdvisoryDatabase> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _path = options.AdvisoriesPath is { } path ? System.IO.Path.GetFullPath(path) : null;
        _time = time;
        _logger = logger;
    }

    /// <summary>Where the advisories are read from; null when the server runs without them.</summary>
    public string? Path => _path;

    /// <summary>Reads the database at start, so that a server given a broken one does not start.</summary>
    /// <exception cref="AdvisoryDatabaseException">The path does not exist or holds files that are not OSV advisories (each named).</exception>
    public async Task StartAsync(CancellationToken ct)
    {
        if (_path is null)
        {
            return;
        }

        try
        {
            _current = await LoadAsync(ct);
            Log.Loaded(_logger, _current.Database.Advisories.Count, _path);
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
        {
            throw new AdvisoryDatabaseException($"--advisories {_path}: {e.Message}", e);
        }
    }

    /// <summary>
    /// The advisories as they are on disk now: the ones read last, or read again if the files changed since.
    /// </summary>
    /// <exception cref="SupplyException">No database is configured, or it no longer reads (every broken file named).</exception>
    public async Task<Snapshot> GetAsync(CancellationToken ct)
    {
        if (_path is null)
        {
            throw SupplyException.Unavailable("this server has no advisory database: start it with --advisories PATH (a folder of OSV JSON files, or a .zip of them as osv.dev publishes)");
        }

        var stamp = Stamp(_path);
        if (_current is { } current && current.Stamp == stamp && _broken is null)
        {
            return current;
        }

        await _loading.WaitAsync(ct);
        try
        {
            stamp = Stamp(_path);
            if (_current is { } loaded && loaded.Stamp == stamp && _broken is null)
            {
                return loaded;
            }

            try
            {
                var snapshot = await LoadAsync(ct);
                _current = snapshot;
                _broken = null;
                Log.Reloaded(_logger, snapshot.Database.Advisories.Count, _path);
                return snapshot;
            }
            catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
            {
                _broken = e.Message;
                Log.Broken(_logger, _path, e.Message);
                throw SupplyException.Unavailable($"the advisory database changed and no longer reads, so no vulnerability can be checked until it is fixed: {e.Message}", e);
            }
        }
        finally
        {
            _loading.Release();
        }
    }

    private async Task<Snapshot> LoadAsync(CancellationToken ct)
    {
        var stamp = Stamp(_path!);
        var database = await OsvDatabase.LoadAsync(_path!, ct);
        return new Snapshot(database, stamp, _time.GetUtcNow(), _path!);
    }

    /// <summary>The newest modification time of the path, and of every file under it when it is a folder.</summary>
    private static DateTime Stamp(string path)
    {
        if (File.Exists(path))
        {
            return File.GetLastWriteTimeUtc(path);
        }

        if (!Directory.Exists(path))
        {
            return DateTime.MinValue;
        }

        var newest = Directory.GetLastWriteTimeUtc(path);
        foreach (var entry in new DirectoryInfo(path).EnumerateFileSystemInfos("*", SearchOption.AllDirectories))
        {
            if (entry.LastWriteTimeUtc > newest)
            {
                newest = entry.LastWriteTimeUtc;
            }
        }

        return newest;
    }

    /// <summary>The advisories read at <see cref="LoadedAt"/>, from files last changed at <see cref="Stamp"/>.</summary>
    public sealed record Snapshot(OsvDatabase Database, DateTime Stamp, DateTimeOffset LoadedAt, string Path);

    private static partial class Log
    {
        [LoggerMessage(3, LogLevel.Information, "Advisory database: {Count} advisories from {Path}")]
        public static partial void Loaded(ILogger logger, int count, string path);

        [LoggerMessage(1, LogLevel.Information, "Advisory database read again: {Count} advisories from {Path}")]
        public static partial void Reloaded(ILogger logger, int count, string path);

        [LoggerMessage(2, LogLevel.Error, "The advisory database {Path} changed and no longer reads; vulnerability gates refuse until it is fixed: {Problem}")]
        public static partial void Broken(ILogger logger, string path, string problem);
    }
}

/// <summary>The advisory database given at start cannot be read: the server does not start (the message names why).</summary>
public sealed class AdvisoryDatabaseException(string message, Exception inner) : Exception(message, inner);
