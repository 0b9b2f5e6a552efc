using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Slipway.Router.Metrics;

/// <summary>
/// All counters of the router, exported in the Prometheus text format 0.0.4. Series are created when a table is
/// compiled and kept afterwards: counters must stay monotonic even when a revision leaves the table.
/// </summary>
internal sealed class RouterMetrics(TimeProvider timeProvider)
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly ConcurrentDictionary<(string App, string Env, string Revision), RevisionMetrics> _revisions = new();
    private readonly ConcurrentDictionary<(string App, string Env), RouteMetrics> _routes = new();
    private long _unmatched;
    private long _configVersion;
    private long _configReloadFailures;
    private long _accessLogDropped;
    private long _mirrorsSkipped;

    public RevisionMetrics ForRevision(string app, string environment, string revision) =>
        _revisions.GetOrAdd((app, environment, revision),
            static (key, time) => new RevisionMetrics(key.App, key.Env, key.Revision, time.TimestampFrequency, time.GetTimestamp()),
            timeProvider);

    public RouteMetrics ForRoute(string app, string environment) =>
        _routes.GetOrAdd((app, environment), static key => new RouteMetrics(key.App, key.Env));

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
        return text.ToString();
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
