using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Slipway.Router.Config;
using Slipway.Router.Metrics;
using Slipway.Router.Routing;

namespace Slipway.Router.Admin;

/// <summary>
/// The admin listener, on its own loopback port so it is never exposed with the traffic: liveness, the served table
/// version and in-flight requests per endpoint (the controller drains an instance by waiting for its count to reach
/// zero), and Prometheus metrics. Read-only: the table comes only from its file, so nothing here changes what the
/// router does, and any method but GET and HEAD is refused.
/// </summary>
internal sealed class AdminHandler(RouteTableHolder tables, EndpointRegistry endpoints, RouterMetrics metrics, ConfigWatcher watcher)
{
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
            "/state" => StateAsync(context.Response),
            "/metrics" => TextAsync(context.Response, RouterMetrics.ContentType, metrics.Export()),
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

    /// <summary><c>{"configVersion": N, "routes": R, "lastError": null, "inflight": {"127.0.0.1:5001": 3}}</c></summary>
    private async Task StateAsync(HttpResponse response)
    {
        var table = tables.Current;
        response.ContentType = "application/json";
        response.Headers.CacheControl = "no-store";
        await using (var json = new Utf8JsonWriter(response.BodyWriter))
        {
            json.WriteStartObject();
            json.WriteNumber("configVersion", table.Version);
            json.WriteNumber("routes", table.Routes.Count);
            json.WriteString("lastError", watcher.LastError);
            json.WriteStartObject("inflight");
            foreach (var (address, count) in endpoints.Snapshot(table))
            {
                json.WriteNumber(address, count);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        await response.BodyWriter.FlushAsync();
    }
}
