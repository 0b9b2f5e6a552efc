using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Slipway.Router;
using Slipway.Server.Routing;
using Slipway.Server.Tests.Support;

namespace Slipway.Server.Tests.Routing;

/// <summary>
/// A server takes what answers on its router admin address for its own router only when that router serves its data
/// directory's table: two real routers of two data directories on loopback ports, and a program that is not a router.
/// </summary>
public sealed class RouterIdentityTests : IAsyncLifetime
{
    private readonly TemporaryDirectory _mine = new();
    private readonly TemporaryDirectory _other = new();
    private readonly List<IAsyncDisposable> _running = [];

    [Fact]
    public async Task The_router_of_the_servers_own_data_directory_is_its_router_and_none_is_started()
    {
        var admin = await StartRouterAsync(_mine.Path);
        var options = Options(_mine.Path, admin);

        await Launcher(options).EnsureRunningAsync(CancellationToken.None);

        Assert.False(File.Exists(Path.Combine(options.RouterDirectory, "router.pid")), "a router was started beside the one that runs");
    }

    [Fact]
    public async Task The_router_of_another_data_directory_on_the_admin_port_is_not_taken_for_the_servers_own()
    {
        var admin = await StartRouterAsync(_other.Path);
        var options = Options(_mine.Path, admin);

        var e = await Assert.ThrowsAsync<RouterAdminTakenException>(() => Launcher(options).EnsureRunningAsync(CancellationToken.None));

        Assert.Equal(
            $"the router admin port {admin} is taken by the router of {_other.Path} (pid {Environment.ProcessId}); "
            + $"give this server other ports with --router-listen/--router-admin, or stop that router with `slipway down --data {_other.Path}`",
            e.Message);
        Assert.False(File.Exists(Path.Combine(options.RouterDirectory, "router.pid")));
    }

    [Fact]
    public async Task A_server_whose_admin_port_another_data_directorys_router_has_refuses_to_start()
    {
        var admin = await StartRouterAsync(_other.Path);
        var options = Options(_mine.Path, admin) with { ApiListen = $"127.0.0.1:{FreePort()}" };

        var e = await Assert.ThrowsAsync<RouterAdminTakenException>(() => ServerHost.RunAsync(options, CancellationToken.None));

        Assert.StartsWith($"the router admin port {admin} is taken by the router of {_other.Path}", e.Message);
        Assert.Null(ServerLock.Holder(_mine.Path)); // it let go of its data directory
    }

    [Theory]
    [InlineData("/healthz", "it answered 404 Not Found to GET /state")] // healthy by the old check, which asked /healthz
    [InlineData("/state", "its answer to GET /state is not JSON")]
    public async Task Something_that_is_not_a_router_on_the_admin_port_is_not_taken_for_one(string answersOn, string what)
    {
        var admin = await StartOtherProgramAsync(answersOn);
        var options = Options(_mine.Path, admin);

        var e = await Assert.ThrowsAsync<RouterAdminTakenException>(() => Launcher(options).EnsureRunningAsync(CancellationToken.None));

        Assert.Equal(
            $"the router admin port {admin} is taken by something that is not a Slipway router ({what}); give this server other ports with --router-listen/--router-admin",
            e.Message);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var running in _running)
        {
            await running.DisposeAsync();
        }

        _mine.Dispose();
        _other.Dispose();
    }

    private static ServerOptions Options(string dataDirectory, string admin) =>
        new(dataDirectory, RouterListen: $"127.0.0.1:{FreePort()}", RouterAdmin: admin);

    private static RouterLauncher Launcher(ServerOptions options) =>
        new(options,
            new RouterAdminClient(new HttpClient { BaseAddress = new Uri($"http://{options.RouterAdmin}"), Timeout = TimeSpan.FromSeconds(5) }, TimeProvider.System),
            TimeProvider.System,
            NullLogger<RouterLauncher>.Instance);

    /// <summary>A real router serving <paramref name="dataDirectory"/>'s table, as its server starts it; returns its admin address.</summary>
    private async Task<string> StartRouterAsync(string dataDirectory)
    {
        var server = new ServerOptions(dataDirectory);
        Directory.CreateDirectory(server.RouterDirectory);
        var router = new RouterServer(
            new RouterOptions(server.RouterConfigPath, "127.0.0.1:0", "127.0.0.1:0") { AccessLogEnabled = false },
            NullLoggerFactory.Instance);
        _running.Add(router);
        var addresses = await router.StartAsync(CancellationToken.None);
        return addresses.Admin.Authority;
    }

    /// <summary>A web server that answers 200 <c>ok</c> on <paramref name="okPath"/> and 404 elsewhere.</summary>
    private async Task<string> StartOtherProgramAsync(string okPath)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapGet(okPath, () => Results.Text("ok"));
        await app.StartAsync();
        _running.Add(app);
        return new Uri(app.Urls.First()).Authority;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
