using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Slipway.Router.AccessLog;
using Slipway.Router.Admin;
using Slipway.Router.Config;
using Slipway.Router.Forwarding;
using Slipway.Router.Metrics;
using Slipway.Router.Proxy;
using Slipway.Router.Routing;
using Yarp.ReverseProxy.Forwarder;

namespace Slipway.Router;

/// <summary>
/// A running router: the proxy listener, the admin listener, the table watcher and the access log writer.
/// <see cref="RouterHost"/> runs one until cancelled; tests start one in-process on port 0 and read the bound ports
/// from <see cref="StartAsync"/>.
/// </summary>
public sealed class RouterServer : IAsyncDisposable
{
    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(10);

    private readonly RouterOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILoggerFactory _loggerFactory;
    private readonly bool _ownsLoggerFactory;
    private readonly ILogger _logger;
    private readonly RouteTableHolder _tables = new();
    private readonly CancellationTokenSource _stopping = new();

    private WebApplication? _proxyApp;
    private WebApplication? _adminApp;
    private HttpMessageInvoker? _backends;
    private AccessLogWriter? _accessLog;
    private Task? _watcherLoop;
    private int _state; // 0 new, 1 started, 2 disposed

    /// <param name="options">Where to listen and what to serve.</param>
    /// <param name="loggerFactory">
    /// Where the router's own logs go, and Kestrel's and YARP's; standard error when null, with YARP's per-request
    /// messages filtered out.
    /// </param>
    /// <param name="timeProvider">The clock for timeouts, durations and polling; the system clock when null.</param>
    public RouterServer(RouterOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.ConfigPath);
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _ownsLoggerFactory = loggerFactory is null;
        _loggerFactory = loggerFactory ?? CreateDefaultLoggerFactory();
        _logger = _loggerFactory.CreateLogger("Slipway.Router");
    }

    /// <summary>Version of the routing table being served (0 before any table loaded).</summary>
    public long ConfigVersion => _tables.Current.Version;

    /// <summary>Loads the table (if the file exists), binds both listeners and starts serving.</summary>
    /// <returns>The addresses actually bound.</returns>
    /// <exception cref="ArgumentException">The options are invalid (see <see cref="RouterOptions.Validate"/>); nothing was started.</exception>
    public async Task<RouterAddresses> StartAsync(CancellationToken ct)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("the router was already started");
        }

        if (_options.Validate() is { Count: > 0 } errors)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, errors), "options");
        }

        var listen = ListenAddress.Parse(_options.Listen, out _)!;
        var admin = ListenAddress.Parse(_options.Admin, out _)!;

        var metrics = new RouterMetrics(_timeProvider, _options.RetiredMetricsGrace);
        var registry = new EndpointRegistry();
        var watcher = new ConfigWatcher(
            _options.ConfigPath, _options.ConfigPollInterval, _tables, new RouteTableCompiler(registry, metrics), registry, metrics, _timeProvider, _logger);
        // The first table loads before the listener opens, so the router never answers 404 for a route it has.
        watcher.Refresh();

        _backends = BackendClient.Create(_options.ConnectTimeout);
        _accessLog = _options.AccessLogEnabled
            ? new AccessLogWriter(_options.AccessLogPath, _options.AccessLogMaxBytes, _options.AccessLogRotatedFiles, _options.AccessLogCapacity, metrics, _timeProvider, _logger)
            : null;

        _proxyApp = BuildApp(listen, proxyListener: true);
        _adminApp = BuildApp(admin, proxyListener: false);
        var transformer = new ForwardedHeadersTransformer();
        var proxy = new ProxyHandler(
            _tables,
            new EndpointForwarder(_proxyApp.Services.GetRequiredService<IHttpForwarder>(), _backends, transformer, _options.BackendTimeout),
            transformer,
            new MirrorSender(_backends, _options.BackendTimeout, _options.MaxConcurrentMirrors, metrics, _timeProvider),
            _accessLog,
            metrics,
            new RequestIdGenerator(),
            _timeProvider);
        var adminHandler = new AdminHandler(_tables, registry, metrics, watcher);
        _proxyApp.Run(proxy.InvokeAsync);
        _adminApp.Run(adminHandler.InvokeAsync);
        await _proxyApp.StartAsync(ct).ConfigureAwait(false);
        await _adminApp.StartAsync(ct).ConfigureAwait(false);

        _watcherLoop = Task.Run(() => watcher.RunAsync(_stopping.Token), CancellationToken.None);

        var addresses = new RouterAddresses(BoundAddress(_proxyApp), BoundAddress(_adminApp));
        Log.Listening(_logger, addresses.Listen, addresses.Admin);
        return addresses;
    }

    /// <summary>Stops listening, lets requests in flight finish (up to a grace period), flushes the access log.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _state, 2) == 2)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        using (var grace = new CancellationTokenSource(ShutdownGrace, _timeProvider))
        {
            await StopAsync(_proxyApp, grace.Token).ConfigureAwait(false);
            await StopAsync(_adminApp, grace.Token).ConfigureAwait(false);
        }

        if (_watcherLoop is not null)
        {
            await _watcherLoop.ConfigureAwait(false);
        }

        if (_accessLog is not null)
        {
            await _accessLog.DisposeAsync().ConfigureAwait(false);
        }

        _backends?.Dispose();
        _stopping.Dispose();
        if (_ownsLoggerFactory)
        {
            _loggerFactory.Dispose();
        }
    }

    private WebApplication BuildApp(IPEndPoint endPoint, bool proxyListener)
    {
        // The empty builder: no configuration sources, no default middleware, no console lifetime — the process
        // hosting the router owns signals, and nothing in the environment can change how the proxy listens.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "Slipway.Router" });
        builder.Services.AddSingleton(_loggerFactory);
        builder.Services.AddSingleton<IHostLifetime, CallerOwnedLifetime>();
        if (proxyListener)
        {
            // YARP's forwarder, given the router's clock (it times body copies with it; its activity timeout runs on
            // its own timers).
            builder.Services.AddSingleton(_timeProvider);
            builder.Services.AddHttpForwarder();
        }

        builder.WebHost.UseKestrelCore();
        if (proxyListener && _options.InlineScheduling)
        {
            // Run request code on the socket's I/O thread instead of hopping to the thread pool first: fewer hops,
            // but requests on the same I/O thread wait for each other, which shows in the tail latency.
            builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
        }
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            if (proxyListener)
            {
                // Bodies are streamed to the backend, which enforces its own limit.
                kestrel.Limits.MaxRequestBodySize = null;
            }

            kestrel.Listen(endPoint);
        });

        return builder.Build();
    }

    private static async Task StopAsync(WebApplication? app, CancellationToken ct)
    {
        if (app is null)
        {
            return;
        }

        try
        {
            await app.StopAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Grace period over: remaining connections are cut by DisposeAsync.
        }

        await app.DisposeAsync().ConfigureAwait(false);
    }

    private static Uri BoundAddress(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var first = addresses?.FirstOrDefault() ?? throw new InvalidOperationException("the listener reported no address");
        return new Uri(first);
    }

    private static ILoggerFactory CreateDefaultLoggerFactory() =>
        LoggerFactory.Create(logging => logging
            .SetMinimumLevel(LogLevel.Information)
            .AddFilter("Microsoft", LogLevel.Warning)
            .AddFilter("System", LogLevel.Warning)
            // With its logger on at any level, ASP.NET Core's hosting starts a logging scope and an Activity for every
            // request (and the backend request then one more): about 3 % of the router's CPU, for messages it never
            // writes at Warning or above (bench/README.md).
            .AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None)
            // YARP's forwarder logs every request it forwards (Information) and every failure with its exception
            // (Warning); the access log is the router's per-request channel, and failures are in it.
            .AddFilter("Yarp", LogLevel.Error)
            // Standard output may carry the access log; the router's own messages go to standard error.
            .AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                console.UseUtcTimestamp = true;
            })
            .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace));
}
