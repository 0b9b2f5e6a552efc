using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Slipway.Router.Config;
using Slipway.Router.Metrics;
using Slipway.Router.Routing;

namespace Slipway.Router.Admin;

/// <summary>
/// The admin listener, on its own loopback port so it is never exposed with the traffic: liveness, the served table
/// version and in-flight requests per endpoint (the controller drains an instance by waiting for its count to reach
/// zero), Prometheus metrics, and each revision's recent requests, errors and latency (<c>/stats</c>, what
/// <c>slipway status</c> shows). Read-only: the table comes only from its file, so nothing here changes what the
/// router does, and any method but GET and HEAD is refused.
/// </summary>
internal sealed class AdminHandler(RouteTableHolder tables, EndpointRegistry endpoints, RouterMetrics metrics, ConfigWatcher watcher)
{
    private static readonly (string Name, double Quantile)[] Quantiles = [("p50Ms", 0.5), ("p90Ms", 0.9), ("p95Ms", 0.95), ("p99Ms", 0.99)];

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = "GET, HEAD";
            return Task.CompletedTask;
        }

        return request.Path.Value switch
        {
            "/healthz" => TextAsync(context.Response, "text/plain; charset=utf-8", "ok"),
            "/state" => StateAsync(request.Query, context.Response),
            "/metrics" => TextAsync(context.Response, RouterMetrics.ContentType, metrics.Export()),
            "/stats" => StatsAsync(request.Query, context.Response),
            "/seconds" => SecondsAsync(request.Query, context.Response),
            _ => NotFound(context.Response),
        };
    }

    private static Task NotFound(HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }

    private static Task TextAsync(HttpResponse response, string contentType, string text)
    {
        response.ContentType = contentType;
        response.Headers.CacheControl = "no-store";
        return response.WriteAsync(text);
    }

    /// <summary>
    /// <c>{"pid": P, "configPath": "/data/router/routes.json", "configVersion": N, "routes": R, "lastError": null,
    /// "inflight": {"127.0.0.1:5001": 3}}</c>. The pid and the absolute path of the table file say which router this
    /// is: a server checks them before it takes what answers on its admin port for its own router, since another
    /// data directory's router (or anything else) may have the port. <c>?inflight=ADDR</c> (repeatable) lists only those
    /// endpoints, and <c>?inflight=</c> none: a server waiting for one instance to drain, or for a table version, asks
    /// for that alone, whatever the size of the table.
    /// </summary>
    private async Task StateAsync(IQueryCollection query, HttpResponse response)
    {
        var only = query.TryGetValue("inflight", out var asked) ? asked.Where(a => !string.IsNullOrEmpty(a)).ToHashSet(StringComparer.Ordinal) : null;
        var table = tables.Current;
        response.ContentType = "application/json";
        response.Headers.CacheControl = "no-store";
        await using (var json = new Utf8JsonWriter(response.BodyWriter))
        {
            json.WriteStartObject();
            json.WriteNumber("pid", Environment.ProcessId);
            json.WriteString("configPath", Path.GetFullPath(watcher.TablePath));
            json.WriteNumber("configVersion", table.Version);
            json.WriteNumber("routes", table.Routes.Count);
            json.WriteString("lastError", watcher.LastError);
            json.WriteStartObject("inflight");
            foreach (var (address, count) in endpoints.Snapshot(table))
            {
                if (only is null || only.Contains(address))
                {
                    json.WriteNumber(address, count);
                }
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        await response.BodyWriter.FlushAsync();
    }

    /// <summary>
    /// <c>{"windowSeconds": 60, "revisions": [{"app", "environment", "revision", "windowSeconds", "requests",
    /// "errors", "successRate", "errorRate", "requestsPerSecond", "p50Ms", "p90Ms", "p95Ms", "p99Ms"}]}</c>; rates and
    /// quantiles are null for a revision without requests in the window. With <c>buckets=true</c>, each revision also
    /// has <c>"latencyBuckets": [[lowerMicroseconds, upperMicroseconds, count], …]</c>, its non-empty buckets in
    /// ascending order; the last bucket's upper bound, which is infinite, is null. See docs/api.md.
    /// </summary>
    private async Task StatsAsync(IQueryCollection query, HttpResponse response)
    {
        response.Headers.CacheControl = "no-store";
        response.ContentType = "application/json";
        if (StatsQuery.Parse(query, out var error) is not { } stats)
        {
            response.StatusCode = StatusCodes.Status400BadRequest;
            await using (var json = new Utf8JsonWriter(response.BodyWriter))
            {
                json.WriteStartObject();
                json.WriteString("error", error);
                json.WriteEndObject();
            }

            await response.BodyWriter.FlushAsync();
            return;
        }

        var windows = metrics.ReadWindows(stats.WindowSeconds, stats.App, stats.Environment);
        await using (var json = new Utf8JsonWriter(response.BodyWriter))
        {
            json.WriteStartObject();
            json.WriteNumber("windowSeconds", stats.WindowSeconds);
            json.WriteStartArray("revisions");
            foreach (var (revision, totals) in windows)
            {
                json.WriteStartObject();
                json.WriteString("app", revision.App);
                json.WriteString("environment", revision.Environment);
                json.WriteString("revision", revision.Revision);
                json.WriteNumber("windowSeconds", totals.WindowSeconds);
                json.WriteNumber("requests", totals.Requests);
                json.WriteNumber("errors", totals.Errors);
                NumberOrNull(json, "successRate", totals.SuccessRate);
                NumberOrNull(json, "errorRate", totals.ErrorRate);
                json.WriteNumber("requestsPerSecond", Math.Round(totals.RequestsPerSecond, 3));
                foreach (var (name, quantile) in Quantiles)
                {
                    NumberOrNull(json, name, totals.QuantileMilliseconds(quantile) is { } ms ? Math.Round(ms, 3) : null);
                }

                if (stats.Buckets)
                {
                    WriteBuckets(json, totals.Latency);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        await response.BodyWriter.FlushAsync();
    }

    /// <summary>
    /// <c>{"from": F, "through": T, "revisions": [{"app", "environment", "revision", "seconds": [{"second": S,
    /// "requests", "errors", "latencyBuckets": [[lower, upper, count], …]}]}]}</c>: each revision's requests second by
    /// second (Unix seconds; only seconds with requests), after <c>after</c> (a Unix second; the oldest held when absent)
    /// up to <c>through</c>. What the server records SLOs from: it asks for the seconds after the last one it stored, so
    /// a second is never counted twice and one the server missed while down is still there for 5 minutes. See docs/api.md.
    /// </summary>
    private async Task SecondsAsync(IQueryCollection query, HttpResponse response)
    {
        response.Headers.CacheControl = "no-store";
        response.ContentType = "application/json";
        if (SecondsQuery.Parse(query, out var error) is not { } asked)
        {
            response.StatusCode = StatusCodes.Status400BadRequest;
            await using (var problem = new Utf8JsonWriter(response.BodyWriter))
            {
                problem.WriteStartObject();
                problem.WriteString("error", error);
                problem.WriteEndObject();
            }

            await response.BodyWriter.FlushAsync();
            return;
        }

        var read = metrics.ReadSeconds(asked.After, asked.App, asked.Environment);
        await using (var json = new Utf8JsonWriter(response.BodyWriter))
        {
            json.WriteStartObject();
            json.WriteNumber("from", read.From);
            json.WriteNumber("through", read.Through);
            json.WriteStartArray("revisions");
            foreach (var (revision, seconds) in read.Revisions)
            {
                if (seconds.Count == 0)
                {
                    continue;
                }

                json.WriteStartObject();
                json.WriteString("app", revision.App);
                json.WriteString("environment", revision.Environment);
                json.WriteString("revision", revision.Revision);
                json.WriteStartArray("seconds");
                foreach (var second in seconds)
                {
                    json.WriteStartObject();
                    json.WriteNumber("second", second.Second);
                    json.WriteNumber("requests", second.Requests);
                    json.WriteNumber("errors", second.Errors);
                    WriteBuckets(json, Array.ConvertAll(second.Latency, c => (long)c));
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        await response.BodyWriter.FlushAsync();
    }

    /// <summary>
    /// The non-empty buckets only: a revision's latencies sit in a few adjacent buckets of the 78, so the answer stays
    /// a few hundred bytes. Bounds are whole microseconds; the top bucket has no upper bound, written as null because
    /// JSON has no infinity.
    /// </summary>
    private static void WriteBuckets(Utf8JsonWriter json, long[] latency)
    {
        json.WriteStartArray("latencyBuckets");
        for (var i = 0; i < latency.Length; i++)
        {
            if (latency[i] == 0)
            {
                continue;
            }

            json.WriteStartArray();
            json.WriteNumberValue((long)LatencyBuckets.LowerMicroseconds(i));
            var upper = LatencyBuckets.UpperMicroseconds(i);
            if (double.IsPositiveInfinity(upper))
            {
                json.WriteNullValue();
            }
            else
            {
                json.WriteNumberValue((long)upper);
            }

            json.WriteNumberValue(latency[i]);
            json.WriteEndArray();
        }

        json.WriteEndArray();
    }

    private static void NumberOrNull(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
