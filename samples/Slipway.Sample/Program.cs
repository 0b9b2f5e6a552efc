using System.Diagnostics;
using System.Net.WebSockets;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Slipway.Sample;

// A small HTTP service whose behaviour (version, errors, latency, slow start, crashes, a
// stubborn shutdown) is set by environment variables: the app that Slipway's tests and demo
// deploy, canary and roll back.
var settings = SampleSettings.FromEnvironment(Environment.GetEnvironmentVariable, Environment.CurrentDirectory);
var uptime = Stopwatch.StartNew();

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.UseUrls($"http://127.0.0.1:{settings.Port}");
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, SampleJson.Default));

using var sigterm = settings.IgnoreSigterm
    ? PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => context.Cancel = true)
    : null;
if (settings.IgnoreSigterm)
{
    builder.Services.AddSingleton<IHostLifetime, IgnoreSigtermLifetime>();
}

var app = builder.Build();
app.UseWebSockets();

var host = Environment.MachineName;
var stats = new SampleStats();
app.Use(async (context, next) =>
{
    context.Response.Headers["X-Version"] = settings.Version;
    if (context.Request.Path != "/healthz" && context.Request.Path != "/stats")
    {
        stats.Count(mirrored: context.Request.Headers.ContainsKey("X-Slipway-Mirror"));
    }

    // Health checks stay fast: latency is what the app's users see, not what its probes see.
    if (settings.Latency > TimeSpan.Zero && context.Request.Path != "/healthz")
    {
        await Task.Delay(settings.Latency, context.RequestAborted);
    }

    await next(context);
});

app.MapGet("/", () =>
{
    var body = new SampleResponse(settings.Version, settings.Instance, host);
    return Random.Shared.NextDouble() < settings.ErrorRate
        ? Results.Json(body, SampleJson.Default.SampleResponse, statusCode: StatusCodes.Status500InternalServerError)
        : Results.Json(body, SampleJson.Default.SampleResponse);
});

// FLAP_READINESS_SECONDS=N: ready for N seconds, not ready for N seconds, and so on (a readiness that flaps).
app.MapGet("/healthz", () =>
    settings.NeverReady || uptime.Elapsed < settings.StartupDelay
        || settings.FlapReadiness is { } flap && (long)(uptime.Elapsed / flap) % 2 == 1
        ? Results.Text("starting\n", statusCode: StatusCodes.Status503ServiceUnavailable)
        : Results.Text("ok\n"));

// What this instance received, mirrored copies apart: lets tests see traffic arrive where clients do not.
app.MapGet("/stats", () => Results.Json(stats.Snapshot(), SampleJson.Default.SampleStatsSnapshot));

app.MapGet("/slow", async (int? ms, CancellationToken ct) =>
{
    await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(0, ms ?? 1000)), ct);
    return Results.Json(new SampleResponse(settings.Version, settings.Instance, host), SampleJson.Default.SampleResponse);
});

// Streams: the body is never held whole, so it can test the router's streaming.
app.MapPost("/echo", async (HttpContext context) =>
{
    context.Response.ContentType = context.Request.ContentType ?? "application/octet-stream";
    await context.Request.Body.CopyToAsync(context.Response.Body, context.RequestAborted);
});

app.Map("/ws", async (HttpContext context) =>
{
    if (!context.WebSockets.IsWebSocketRequest)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return;
    }

    using var socket = await context.WebSockets.AcceptWebSocketAsync();
    var buffer = new byte[16 * 1024];
    while (true)
    {
        var received = await socket.ReceiveAsync(buffer, context.RequestAborted);
        if (received.MessageType == WebSocketMessageType.Close)
        {
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, context.RequestAborted);
            return;
        }

        await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, context.RequestAborted);
    }
});

app.Lifetime.ApplicationStarted.Register(() =>
    Console.WriteLine($"slipway-sample version={settings.Version} listening on http://127.0.0.1:{settings.Port}"));

if (settings.CrashAfter is { } crashAfter)
{
    _ = Task.Delay(crashAfter).ContinueWith(_ =>
    {
        Console.WriteLine($"slipway-sample crashing after {crashAfter.TotalSeconds} s (CRASH_AFTER_SECONDS)");
        // Exit now, as a crash would: no graceful shutdown, which IGNORE_SIGTERM could stall.
        Environment.Exit(1);
    }, TaskScheduler.Default);
}

await app.RunAsync();
