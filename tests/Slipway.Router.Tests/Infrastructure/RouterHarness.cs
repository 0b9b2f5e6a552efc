using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Slipway.Router.Tests.Infrastructure;

/// <summary>A real router on loopback port 0 with its table file in a temporary directory, and clients for both listeners.</summary>
internal sealed class RouterHarness : IAsyncDisposable
{
    private readonly RouterServer _server;

    private RouterHarness(string directory, RouterServer server, RouterAddresses addresses)
    {
        Directory = directory;
        _server = server;
        Addresses = addresses;
        Client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { BaseAddress = addresses.Listen, Timeout = TimeSpan.FromSeconds(60) };
        Admin = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = addresses.Admin };
    }

    public string Directory { get; }

    public string ConfigPath => Path.Combine(Directory, "router.json");

    public string AccessLogPath => Path.Combine(Directory, "access.log");

    public RouterAddresses Addresses { get; }

    public HttpClient Client { get; }

    public HttpClient Admin { get; }

    public RouterServer Server => _server;

    public static async Task<RouterHarness> StartAsync(RouterConfig? initial = null, Func<RouterOptions, RouterOptions>? configure = null, TimeProvider? time = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "slipway-router-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var configPath = Path.Combine(directory, "router.json");
        if (initial is not null)
        {
            RouterConfigFile.Write(configPath, initial);
        }

        var options = new RouterOptions(configPath, "127.0.0.1:0", "127.0.0.1:0", Path.Combine(directory, "access.log"));
        options = configure?.Invoke(options) ?? options;
        var server = new RouterServer(options, timeProvider: time);
        var addresses = await server.StartAsync(CancellationToken.None);
        return new RouterHarness(directory, server, addresses);
    }

    /// <summary>Writes a table the way the controller does and waits until the router serves it.</summary>
    public async Task ApplyAsync(RouterConfig config)
    {
        RouterConfigFile.Write(ConfigPath, config);
        await Eventually.TrueAsync(async () => (await StateAsync()).GetProperty("configVersion").GetInt64() == config.Version,
            $"router serves table version {config.Version}");
    }

    public async Task<JsonElement> StateAsync()
    {
        using var response = await Admin.GetAsync("/state");
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    public async Task<string> MetricsAsync()
    {
        using var response = await Admin.GetAsync("/metrics");
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Admin.Dispose();
        await _server.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A loopback address where nothing listens (a port just bound and released).</summary>
    public static string DeadAddress()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"127.0.0.1:{port}";
    }

    /// <summary>A one-route table for app <c>web</c>, env <c>prod</c>.</summary>
    public static RouterConfig Table(long version, params BackendGroup[] backends) =>
        new(version, [new RouteConfig("web/prod", "web", "prod", null, "/", backends)]);

    public static RouterConfig Table(long version, RouteConfig route) => new(version, [route]);
}
