using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Slipway.Router.Routing;

namespace Slipway.Router.Metrics;

/// <summary>
/// All counters of the router, exported in the Prometheus text format 0.0.4. Series are created when a table is
/// compiled. When a table no longer names a revision (or no longer has a route of an app×env: the app was deleted),
/// its series are kept for a grace period — a rollout's numbers are still read for a while after it finished, and a
/// revision that comes back (a rollback) carries on with its counters — and then dropped with its window, so the
/// router's memory follows what it routes to, not every revision it has ever seen. Prometheus reads a dropped series
/// as stale, and a series that comes back later as a counter reset.
/// </summary>
internal sealed class RouterMetrics(TimeProvider timeProvider, TimeSpan retiredGrace)
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>The revision label under which a route's requests are counted when it has no endpoint to send them to.</summary>
    public const string NoRevision = "none";

    private readonly ConcurrentDictionary<(string App, string Env, string Revision), RevisionMetrics> _revisions = new();
    private readonly ConcurrentDictionary<(string App, string Env), RouteMetrics> _routes = new();

    // Series that the served table no longer names, with the timestamp at which they left it. Written only by the
    // table watcher (Retain, DropRetired), which is also the only caller of the compiler: a series cannot be revived
    // by a table being compiled while it is being dropped.
    private readonly Dictionary<(string App, string Env, string Revision), long> _retiredRevisions = [];
    private readonly Dictionary<(string App, string Env), long> _retiredRoutes = [];
    private long _unmatched;
    private long _configVersion;
    private long _configReloadFailures;
    private long _accessLogDropped;
    private long _mirrorsSkipped;

    // Seconds of the timestamp clock become Unix seconds by one offset taken once, so that a second has the same number
    // at every read for the router's whole life (the wall clock may be stepped; the timestamp clock is not).
    private readonly long _unixOffset = (long)Math.Round(timeProvider.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0 - (double)timeProvider.GetTimestamp() / timeProvider.TimestampFrequency);
    private readonly long _startSecond = timeProvider.GetTimestamp() / timeProvider.TimestampFrequency;

    /// <summary>Metrics kept for the default grace period, the longest <c>/stats</c> window.</summary>
    public RouterMetrics(TimeProvider timeProvider)
        : this(timeProvider, TimeSpan.FromSeconds(StatsWindow.MaxSeconds))
    {
    }

    public RevisionMetrics ForRevision(string app, string environment, string revision) =>
        _revisions.GetOrAdd((app, environment, revision),
            static (key, time) => new RevisionMetrics(key.App, key.Env, key.Revision, time.TimestampFrequency, time.GetTimestamp()),
            timeProvider);

    public RouteMetrics ForRoute(string app, string environment) =>
        _routes.GetOrAdd((app, environment), static key => new RouteMetrics(key.App, key.Env));

    /// <summary>
    /// Marks the series <paramref name="served"/> does not name as retired from now on (those already retired keep
    /// their time), and those it names as live again. Called by the table watcher after each table it loads or
    /// rejects; a rejected table may have created series for revisions it named.
    /// </summary>
    public void Retain(RouteTable served)
    {
        ArgumentNullException.ThrowIfNull(served);
        var now = timeProvider.GetTimestamp();
        var liveRevisions = new HashSet<(string, string, string)>();
        var liveRoutes = new HashSet<(string, string)>();
        foreach (var route in served.Routes)
        {
            liveRoutes.Add((route.App, route.Environment));
            liveRevisions.Add((route.App, route.Environment, NoRevision));
            foreach (var revision in route.Revisions)
            {
                liveRevisions.Add((route.App, route.Environment, revision.Label));
            }
        }

        Mark(_revisions.Keys, liveRevisions, _retiredRevisions, now);
        Mark(_routes.Keys, liveRoutes, _retiredRoutes, now);
    }

    /// <summary>
    /// Drops the series retired for longer than the grace period. Cheap when none is retired: the table watcher calls
    /// it at every look at the table file.
    /// </summary>
    /// <returns>How many revision series were dropped.</returns>
    public int DropRetired()
    {
        if (_retiredRevisions.Count == 0 && _retiredRoutes.Count == 0)
        {
            return 0;
        }

        var now = timeProvider.GetTimestamp();
        var dropped = Drop(_retiredRevisions, _revisions, now);
        Drop(_retiredRoutes, _routes, now);
        return dropped;
    }

    /// <summary>
    /// Every revision's <see cref="WindowTotals"/> over the last <paramref name="seconds"/> seconds, ordered by app,
    /// environment and revision; only those of <paramref name="app"/> and <paramref name="environment"/> when given.
    /// </summary>
    public IReadOnlyList<(RevisionMetrics Revision, WindowTotals Totals)> ReadWindows(int seconds, string? app = null, string? environment = null)
    {
        var now = timeProvider.GetTimestamp();
        var revisions = _revisions.Values
            .Where(r => (app is null || r.App == app) && (environment is null || r.Environment == environment))
            .ToArray();
        Array.Sort(revisions, static (a, b) => CompareKeys(a.App, a.Environment, a.Revision, b.App, b.Environment, b.Revision));
        return Array.ConvertAll(revisions, r => (r, r.ReadWindow(now, seconds)));
    }

    /// <summary>
    /// Every revision's requests second by second, as Unix seconds, after <paramref name="afterUnixSecond"/> (from the
    /// oldest second the windows hold when null) up to <see cref="SecondsRead.Through"/>, ordered as
    /// <see cref="ReadWindows"/>; only those of <paramref name="app"/> and <paramref name="environment"/> when given.
    /// The current second and the one before are left out: a request recorded late (its thread paused between timing
    /// its end and counting it) still lands in a second nobody has read yet, so a second once read never changes.
    /// </summary>
    public SecondsRead ReadSeconds(long? afterUnixSecond, string? app = null, string? environment = null)
    {
        var current = timeProvider.GetTimestamp() / timeProvider.TimestampFrequency;
        var through = current - 2;
        var held = Math.Max(current - SlidingWindow.Seconds + 1, _startSecond);
        var first = afterUnixSecond is { } after ? Math.Max(after - _unixOffset + 1, held) : held;
        var revisions = _revisions.Values
            .Where(r => (app is null || r.App == app) && (environment is null || r.Environment == environment))
            .ToArray();
        Array.Sort(revisions, static (a, b) => CompareKeys(a.App, a.Environment, a.Revision, b.App, b.Environment, b.Revision));
        var offset = _unixOffset;
        return new SecondsRead(
            held + offset,
            through + offset,
            Array.ConvertAll(revisions, r => (r, (IReadOnlyList<SecondCounts>)r.ReadSeconds(first, through).ConvertAll(s => s with { Second = s.Second + offset }))));
    }

    public void RecordUnmatched() => Interlocked.Increment(ref _unmatched);

    public void SetConfigVersion(long version) => Volatile.Write(ref _configVersion, version);

    public void RecordConfigReloadFailure() => Interlocked.Increment(ref _configReloadFailures);

    public void RecordAccessLogDropped() => Interlocked.Increment(ref _accessLogDropped);

    public void RecordMirrorSkipped() => Interlocked.Increment(ref _mirrorsSkipped);

    public string Export()
    {
        var revisions = _revisions.Values.ToArray();
        Array.Sort(revisions, static (a, b) => CompareKeys(a.App, a.Environment, a.Revision, b.App, b.Environment, b.Revision));
        var routes = _routes.Values.ToArray();
        Array.Sort(routes, static (a, b) => CompareKeys(a.App, a.Environment, "", b.App, b.Environment, ""));

        var text = new StringBuilder(4096);

        Header(text, "slipway_router_requests_total", "counter", "Requests answered by the router, by app, environment, revision and status code.");
        foreach (var revision in revisions)
        {
            foreach (var (code, count) in revision.StatusCounts())
            {
                text.Append("slipway_router_requests_total{");
                Labels(text, revision);
                text.Append(",code=\"").Append(code.ToString(CultureInfo.InvariantCulture)).Append("\"} ");
                text.Append(count.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
        }

        Header(text, "slipway_router_request_duration_seconds", "histogram", "Time from receiving a request to the end of its response.");
        foreach (var revision in revisions)
        {
            var (cumulative, sum) = revision.Duration.Snapshot();
            for (var i = 0; i < cumulative.Length; i++)
            {
                text.Append("slipway_router_request_duration_seconds_bucket{");
                Labels(text, revision);
                text.Append(",le=\"");
                text.Append(i < DurationHistogram.Bounds.Length ? Number(DurationHistogram.Bounds[i]) : "+Inf");
                text.Append("\"} ").Append(cumulative[i].ToString(CultureInfo.InvariantCulture)).Append('\n');
            }

            text.Append("slipway_router_request_duration_seconds_sum{");
            Labels(text, revision);
            text.Append("} ").Append(Number(sum)).Append('\n');
            text.Append("slipway_router_request_duration_seconds_count{");
            Labels(text, revision);
            text.Append("} ").Append(cumulative[^1].ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        Header(text, "slipway_router_mirrored_requests_total", "counter", "Copies of requests sent to a mirror revision.");
        foreach (var revision in revisions)
        {
            if (revision.Mirrored > 0)
            {
                text.Append("slipway_router_mirrored_requests_total{");
                Labels(text, revision);
                text.Append("} ").Append(revision.Mirrored.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
        }

        Header(text, "slipway_router_retries_total", "counter", "Requests retried on another endpoint after a failed connection.");
        foreach (var route in routes)
        {
            text.Append("slipway_router_retries_total{app=\"").Append(Escape(route.App));
            text.Append("\",env=\"").Append(Escape(route.Environment)).Append("\"} ");
            text.Append(route.Retries.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        Single(text, "slipway_router_unmatched_requests_total", "counter", "Requests that matched no route (404).", Volatile.Read(ref _unmatched));
        Single(text, "slipway_router_config_version", "gauge", "Version of the routing table being served.", Volatile.Read(ref _configVersion));
        Single(text, "slipway_router_config_reload_failures_total", "counter", "Table files that could not be loaded; the previous table kept serving.", Volatile.Read(ref _configReloadFailures));
        Single(text, "slipway_router_access_log_dropped_total", "counter", "Access log lines dropped because the writer fell behind.", Volatile.Read(ref _accessLogDropped));
        Single(text, "slipway_router_mirrors_skipped_total", "counter", "Mirror copies skipped: body too large or streamed, or too many copies in flight.", Volatile.Read(ref _mirrorsSkipped));
        Single(text, "slipway_router_revisions", "gauge", "Revisions the router keeps metrics for: those of the table, and those that left it less than the grace period ago.", revisions.Length);
        Single(text, "slipway_router_revision_windows", "gauge", "Revisions holding a one-second window of their last 5 minutes (about 97 KB each).", revisions.Count(r => r.HasWindow));
        return text.ToString();
    }

    private static void Mark<TKey>(ICollection<TKey> known, HashSet<TKey> live, Dictionary<TKey, long> retired, long now)
        where TKey : notnull
    {
        foreach (var key in known)
        {
            if (live.Contains(key))
            {
                retired.Remove(key);
            }
            else
            {
                retired.TryAdd(key, now);
            }
        }
    }

    private int Drop<TKey, TValue>(Dictionary<TKey, long> retired, ConcurrentDictionary<TKey, TValue> series, long now)
        where TKey : notnull
    {
        List<TKey>? expired = null;
        foreach (var (key, since) in retired)
        {
            if (timeProvider.GetElapsedTime(since, now) >= retiredGrace)
            {
                (expired ??= []).Add(key);
            }
        }

        foreach (var key in expired ?? [])
        {
            retired.Remove(key);
            series.TryRemove(key, out _);
        }

        return expired?.Count ?? 0;
    }

    /// <summary>Escapes a label value: backslash, double quote and line feed, as the text format requires.</summary>
    public static string Escape(string value)
    {
        if (value.AsSpan().IndexOfAny("\\\"\n") < 0)
        {
            return value;
        }

        return value.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal);
    }

    private static void Labels(StringBuilder text, RevisionMetrics revision)
    {
        text.Append("app=\"").Append(Escape(revision.App));
        text.Append("\",env=\"").Append(Escape(revision.Environment));
        text.Append("\",revision=\"").Append(Escape(revision.Revision)).Append('"');
    }

    private static void Header(StringBuilder text, string name, string type, string help)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    private static void Single(StringBuilder text, string name, string type, string help, long value)
    {
        Header(text, name, type, help);
        text.Append(name).Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static int CompareKeys(string a1, string a2, string a3, string b1, string b2, string b3)
    {
        var c = string.CompareOrdinal(a1, b1);
        if (c == 0)
        {
            c = string.CompareOrdinal(a2, b2);
        }

        return c != 0 ? c : string.CompareOrdinal(a3, b3);
    }
}
