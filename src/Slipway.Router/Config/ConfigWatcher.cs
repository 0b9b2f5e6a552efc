using Microsoft.Extensions.Logging;
using Slipway.Router.Metrics;
using Slipway.Router.Routing;

namespace Slipway.Router.Config;

/// <summary>
/// Keeps the served table in step with the table file. The file is polled (modification time and length) rather than
/// watched with inotify: the controller replaces it by rename, polling is immune to lost events and watch limits,
/// and one stat per interval costs nothing. A missing or invalid file never replaces a good table. The watcher also
/// retires the metrics of revisions a new table no longer names, and drops them once their grace period is over
/// (see <see cref="RouterMetrics"/>): it is the one thread that compiles tables, so a series is never dropped while
/// a table that names it again is being compiled.
/// </summary>
internal sealed class ConfigWatcher(
    string path,
    TimeSpan interval,
    RouteTableHolder holder,
    RouteTableCompiler compiler,
    EndpointRegistry endpoints,
    RouterMetrics metrics,
    TimeProvider timeProvider,
    ILogger logger)
{
    private static readonly TimeSpan FreshWindow = TimeSpan.FromSeconds(2);

    private FileStamp? _loaded;
    private byte[]? _loadedBytes;
    private bool _reportedMissing;
    private string? _lastError;

    /// <summary>The table file, as given (relative to the working directory when not absolute).</summary>
    public string TablePath => path;

    /// <summary>Why the last change of the file was rejected; null once a table loads.</summary>
    public string? LastError => Volatile.Read(ref _lastError);

    /// <summary>Loads the file if it changed since the last look. Returns whether a new table was published.</summary>
    public bool Refresh()
    {
        var stamp = FileStamp.Of(path);
        if (stamp is null)
        {
            if (!_reportedMissing)
            {
                _reportedMissing = true;
                Log.TableMissing(logger, path, holder.Current.Version);
            }

            _loaded = null;
            return false;
        }

        _reportedMissing = false;

        // File systems stamp modification times with a coarse clock (a few milliseconds), so two tables of the same
        // length written in quick succession can carry the same stamp. While the stamp is that fresh, compare content.
        var fresh = timeProvider.GetUtcNow().UtcDateTime - stamp.LastWriteUtc < FreshWindow;
        if (stamp == _loaded && !fresh)
        {
            return false;
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Replaced or removed between the stat and the read: the next interval sees the new file.
            return false;
        }

        _loaded = stamp;
        if (_loadedBytes is not null && bytes.AsSpan().SequenceEqual(_loadedBytes))
        {
            return false;
        }

        // Remembered even when loading fails, so a broken file is reported once, not every interval.
        _loadedBytes = bytes;
        var current = holder.Current;
        try
        {
            var config = RouterConfigFile.Parse(bytes);
            var table = compiler.Compile(config, current);
            holder.Publish(table);
            endpoints.Retain(table);
            metrics.Retain(table);
            metrics.SetConfigVersion(table.Version);
            Volatile.Write(ref _lastError, null);
            Log.TableLoaded(logger, table.Version, table.Routes.Count, path);
            return true;
        }
        catch (InvalidDataException e)
        {
            Volatile.Write(ref _lastError, e.Message);
            metrics.Retain(current); // the rejected table may have created series for revisions it named
            metrics.RecordConfigReloadFailure();
            Log.TableRejected(logger, path, current.Version, e.Message);
            return false;
        }
    }

    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, timeProvider, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                Refresh();
                metrics.DropRetired();
            }
            catch (Exception e)
            {
                // The watcher must outlive any surprise: the router keeps serving either way.
                Log.WatcherFailed(logger, e);
            }
        }
    }

    private sealed record FileStamp(DateTime LastWriteUtc, long Length)
    {
        public static FileStamp? Of(string path)
        {
            var info = new FileInfo(path);
            return info.Exists ? new FileStamp(info.LastWriteTimeUtc, info.Length) : null;
        }
    }
}
