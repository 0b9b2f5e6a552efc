using Microsoft.Extensions.Logging;

namespace Slipway.Router;

/// <summary>The router's log messages. None of them is written per request: the access log is the per-request channel.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Router listening on {Listen}, admin on {Admin}")]
    public static partial void Listening(ILogger logger, Uri listen, Uri admin);

    [LoggerMessage(2, LogLevel.Information, "Loaded routing table version {Version} with {Routes} routes from {Path}")]
    public static partial void TableLoaded(ILogger logger, long version, int routes, string path);

    [LoggerMessage(3, LogLevel.Error, "Cannot load routing table {Path}; still serving version {Version}: {Reason}")]
    public static partial void TableRejected(ILogger logger, string path, long version, string reason);

    [LoggerMessage(4, LogLevel.Warning, "Routing table {Path} does not exist; serving version {Version} until it does")]
    public static partial void TableMissing(ILogger logger, string path, long version);

    [LoggerMessage(5, LogLevel.Error, "Access log writer failed; further lines are dropped")]
    public static partial void AccessLogFailed(ILogger logger, Exception exception);

    [LoggerMessage(6, LogLevel.Error, "Routing table watcher failed")]
    public static partial void WatcherFailed(ILogger logger, Exception exception);
}
