using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Slipway.Server.Tests.Analysis.Providers;

/// <summary>
/// A real Kestrel backend on a loopback port standing for one revision of an app: it answers 200, or 500 to exactly
/// one request in <c>errorEvery</c> (deterministic, so a test knows the error rate the router must report), after
/// <c>latency</c>.
/// </summary>
internal sealed class RevisionBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly int _errorEvery;
    private readonly TimeSpan _latency;
    private int _served;

    private RevisionBackend(WebApplication app, int errorEvery, TimeSpan latency)
    {
        _app = app;
        _errorEvery = errorEvery;
        _latency = latency;
    }

    /// <summary><c>127.0.0.1:PORT</c>, as the router's table lists endpoints.</summary>
    public string Address { get; private set; } = "";

    public static async Task<RevisionBackend> StartAsync(int errorEvery = 0, TimeSpan latency = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var backend = new RevisionBackend(app, errorEvery, latency);
        app.Run(backend.HandleAsync);
        await app.StartAsync();
        backend.Address = new Uri(app.Urls.First()).Authority;
        return backend;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var served = Interlocked.Increment(ref _served);
        if (_latency > TimeSpan.Zero)
        {
            await Task.Delay(_latency, context.RequestAborted);
        }

        context.Response.StatusCode = _errorEvery > 0 && served % _errorEvery == 0 ? StatusCodes.Status500InternalServerError : StatusCodes.Status200OK;
        await context.Response.WriteAsync("ok");
    }
}
