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

        return errors;
    }
}
