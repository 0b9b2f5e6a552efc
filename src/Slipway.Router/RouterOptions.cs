using System.Net;

namespace Slipway.Router;

/// <summary>How to run the router process.</summary>
/// <param name="ConfigPath">The routing table file the controller writes (see <see cref="RouterConfigFile"/>); watched for changes.</param>
/// <param name="Listen">Where clients connect, <c>host:port</c>; port 0 picks a free port.</param>
/// <param name="Admin">
/// The admin listener (<c>/healthz</c>, <c>/state</c>, <c>/metrics</c>), <c>host:port</c> on a loopback address only:
/// it describes every backend and is meant for the controller and a local Prometheus, not for the network.
/// </param>
/// <param name="AccessLogPath">File that receives one JSON line per request; standard output when null.</param>
public sealed record RouterOptions(
    string ConfigPath,
    string Listen = "127.0.0.1:8080",
    string Admin = "127.0.0.1:8081",
    string? AccessLogPath = null)
{
    /// <summary>See <see cref="AccessLogMaxBytes"/>.</summary>
    public const long DefaultAccessLogMaxBytes = 10L * 1024 * 1024;

    /// <summary>See <see cref="AccessLogRotatedFiles"/>.</summary>
    public const int DefaultAccessLogRotatedFiles = 5;

    private const int MaxAccessLogRotatedFiles = 1000;

    /// <summary>
    /// Longest silence from a backend (YARP's activity timeout): waiting for its response headers, between two reads or
    /// writes of either body, and on a WebSocket in both directions (a ping is activity). Exceeded before the response
    /// starts, the client gets 504; after, its connection is cut; a WebSocket silent this long is closed, so it cannot
    /// hold its instance in flight (undrainable) for ever.
    /// </summary>
    public TimeSpan BackendTimeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>Longest wait for a TCP connection to a backend; a refused or timed-out connect may be retried on another endpoint.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the table file is checked for a change.</summary>
    public TimeSpan ConfigPollInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Access log lines waiting for the writer; beyond this, lines are dropped and counted rather than slowing requests.</summary>
    public int AccessLogCapacity { get; init; } = 16384;

    /// <summary>Mirrored copies in flight at once; beyond this, copies are skipped so a slow mirror cannot pile up work.</summary>
    public int MaxConcurrentMirrors { get; init; } = 256;

    /// <summary>
    /// Whether request handling runs inline on socket I/O threads (Kestrel's <c>UnsafePreferInlineScheduling</c>)
    /// rather than being queued to the thread pool. Safe, because no per-request code blocks. Off by default: on a
    /// 2-core machine it gave about 8 % more throughput but about 2.5 ms more p99 latency (bench/README.md).
    /// </summary>
    public bool InlineScheduling { get; init; }

    /// <summary>Whether to write the access log at all.</summary>
    public bool AccessLogEnabled { get; init; } = true;

    /// <summary>
    /// The size at which the access log file is rotated (10 MiB, as an instance's log). With
    /// <see cref="AccessLogRotatedFiles"/>, it bounds the log's disk use: at most 10 MiB × (1 + 5) = 60 MiB by
    /// default, about a quarter of a million requests at some 250 bytes a line. Not used when the log goes to
    /// standard output, which whatever reads it rotates.
    /// </summary>
    public long AccessLogMaxBytes { get; init; } = DefaultAccessLogMaxBytes;

    /// <summary>
    /// Rotated access log files kept beside it: <c>access.log.1</c> (newest) … <c>access.log.5</c> by default. More
    /// than an instance keeps (3): one router file holds the traffic of every app. 0 keeps none: the file starts over.
    /// </summary>
    public int AccessLogRotatedFiles { get; init; } = DefaultAccessLogRotatedFiles;

    /// <summary>
    /// How long the metrics of a revision that left the table (or of a route whose app was deleted) are kept before
    /// they are dropped: the length of the longest <c>/stats</c> window (5 minutes), so the numbers of a rollout that
    /// has just finished can still be read, and no longer, so a router that sees thousands of revisions over its life
    /// keeps only those it routes to (each one's window is about 97 KB).
    /// </summary>
    public TimeSpan RetiredMetricsGrace { get; init; } = TimeSpan.FromSeconds(Metrics.StatsWindow.MaxSeconds);

    /// <summary>
    /// Every problem with these options, all at once (empty when the router can start with them): addresses that do not
    /// parse, and an admin address that is not loopback.
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrEmpty(ConfigPath))
        {
            errors.Add("config: the routing table file is required");
        }

        if (ListenAddress.Parse(Listen, out var listenError) is null)
        {
            errors.Add($"listen: {listenError}");
        }

        if (ListenAddress.Parse(Admin, out var adminError) is not { } admin)
        {
            errors.Add($"admin: {adminError}");
        }
        else if (!IPAddress.IsLoopback(admin.Address))
        {
            errors.Add($"admin: '{Admin}' is not a loopback address; the admin listener (/state, /metrics, /healthz) "
                + "only listens on loopback, for example 127.0.0.1:8081, localhost:8081 or [::1]:8081");
        }

        if (AccessLogMaxBytes <= 0)
        {
            errors.Add($"access-log-max-size: must be more than 0 bytes, got {AccessLogMaxBytes}");
        }

        if (AccessLogRotatedFiles is < 0 or > MaxAccessLogRotatedFiles)
        {
            errors.Add($"access-log-files: must be from 0 to {MaxAccessLogRotatedFiles}, got {AccessLogRotatedFiles}");
        }

        if (RetiredMetricsGrace < TimeSpan.Zero)
        {
            errors.Add($"retired metrics grace: must not be negative, got {RetiredMetricsGrace}");
        }

        return errors;
    }
}
