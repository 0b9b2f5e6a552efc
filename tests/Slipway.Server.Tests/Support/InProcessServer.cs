using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Slipway.Core.Serialization;
using Slipway.Router;
using Slipway.Server.Api;

namespace Slipway.Server.Tests.Support;

/// <summary>
/// A real <c>slipway server</c> (<see cref="ServerHost.RunAsync"/>) in this process, on a fresh data directory and a free
/// loopback port, serving its API over real HTTP. A real router runs in-process too, on ports of its own, already
/// answering when the server starts: the server adopts it as it adopts a router that outlived it, instead of starting
/// the <c>slipway router</c> process (the test host is not the slipway binary). Disposing stops both and deletes the
/// directory.
/// </summary>
internal sealed class InProcessServer : IAsyncDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);

    private readonly TemporaryDirectory _temp;
    private readonly RouterServer _router;
    private CancellationTokenSource _stop;
    private Task _run;

    private InProcessServer(TemporaryDirectory temp, RouterServer router, ServerOptions options, CancellationTokenSource stop, Task run, HttpClient http, string token)
    {
        _temp = temp;
        _router = router;
        Options = options;
        _stop = stop;
        _run = run;
        Http = http;
        Token = token;
    }

    public TemporaryDirectory Temp => _temp;

    public ServerOptions Options { get; }

    /// <summary>The router's public address (<c>http://127.0.0.1:port</c>), where apps are reached by their host names.</summary>
    public string RouterUrl => $"http://{Options.RouterListen}";

    /// <summary>A client of the API, with no token: each test says what it sends.</summary>
    public HttpClient Http { get; }

    public string Token { get; }

    /// <param name="secrets">The secret lookup the server asks (a stand-in for the vault); none set when null.</param>
    /// <param name="configure">Changes the server's options (its registries, its log level) before it starts.</param>
    /// <param name="services">Services added last (a logger provider that keeps what the server logs).</param>
    public static async Task<InProcessServer> StartAsync(
        Slipway.Server.Secrets.ISecretLookup? secrets = null,
        Func<ServerOptions, ServerOptions>? configure = null,
        Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null)
    {
        var temp = new TemporaryDirectory();
        var data = temp.Combine("data");
        var router = new RouterServer(new RouterOptions(Path.Combine(data, "router", "routes.json"), "127.0.0.1:0", "127.0.0.1:0"), NullLoggerFactory.Instance);
        var routerAddresses = await router.StartAsync(CancellationToken.None);
        var options = new ServerOptions(data, $"127.0.0.1:{FreePort()}", $"127.0.0.1:{routerAddresses.Listen.Port}", $"127.0.0.1:{routerAddresses.Admin.Port}")
        {
            MinimumLogLevel = LogLevel.Warning,
        };
        options = configure?.Invoke(options) ?? options;
        var stop = new CancellationTokenSource();
        Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? replace = secrets is null && services is null ? null : added =>
        {
            if (secrets is not null)
            {
                Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton(added, secrets);
            }

            services?.Invoke(added);
        };
        var run = Task.Run(() => ServerHost.RunAsync(options, replace, stop.Token));
        var http = new HttpClient { BaseAddress = new Uri($"http://{options.ApiListen}"), Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            await WaitUntilAnsweringAsync(http, options, run);
        }
        catch
        {
            await stop.CancelAsync();
            http.Dispose();
            await router.DisposeAsync();
            temp.Dispose();
            throw;
        }

        var token = (await File.ReadAllTextAsync(ApiTokenFile.PathIn(data))).Trim();
        return new InProcessServer(temp, router, options, stop, run, http, token);
    }

    /// <summary>Stops the server (the router and the instances keep running, as when a controller stops) and starts it again on the same data.</summary>
    public async Task RestartAsync()
    {
        await StopServerAsync();
        _stop = new CancellationTokenSource();
        _run = Task.Run(() => ServerHost.RunAsync(Options, _stop.Token));
        await WaitUntilAnsweringAsync(Http, Options, _run);
    }

    /// <summary>Applies <paramref name="yaml"/> as <c>slipway apply</c> does (artifact paths relative to <see cref="Temp"/>); fails the test on errors.</summary>
    public async Task ApplyAsync(string yaml, string name = "app.yaml")
    {
        var path = _temp.WriteFile(name, yaml);
        using var request = Authorized(HttpMethod.Post, "/api/v1/apply");
        request.Content = JsonContent.Create(new Slipway.Server.Apply.ApplyRequest(path, yaml, _temp.Path), options: SlipwayJson.Options);
        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"apply failed: {body}");
    }

    /// <summary>An API document, read as <typeparamref name="T"/>.</summary>
    public async Task<T> GetAsync<T>(string path)
    {
        using var request = Authorized(HttpMethod.Get, path);
        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path} failed: {body}");
        return JsonSerializer.Deserialize<T>(body, SlipwayJson.Options)!;
    }

    /// <summary>A rollout command (<c>promote</c>, <c>abort</c> …) of <paramref name="app"/> in dev; fails the test when refused.</summary>
    public async Task<string> CommandAsync(string app, string command)
    {
        using var request = Authorized(HttpMethod.Post, $"/api/v1/apps/{app}/dev/rollout/{command}");
        request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{command} failed: {body}");
        return body;
    }

    /// <summary>A request carrying the API token.</summary>
    public HttpRequestMessage Authorized(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return request;
    }

    public async ValueTask DisposeAsync()
    {
        await StopServerAsync();
        await DataPlane.StopAllAsync(Options.DataDirectory, CancellationToken.None); // the instances outlive a server by design
        Http.Dispose();
        _stop.Dispose();
        await _router.DisposeAsync();
        _temp.Dispose();
    }

    private async Task StopServerAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _run;
        }
        catch (OperationCanceledException)
        {
            // How the server stops.
        }
    }

    private static async Task WaitUntilAnsweringAsync(HttpClient http, ServerOptions options, Task run)
    {
        var waited = Stopwatch.StartNew();
        while (!await AnswersAsync(http))
        {
            if (run.IsCompleted || waited.Elapsed > StartDeadline)
            {
                var failure = run.IsFaulted ? run.Exception.ToString() : $"no answer on {options.ApiListen}/healthz within {StartDeadline.TotalSeconds} s";
                throw new InvalidOperationException("the server did not start: " + failure);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }

    private static async Task<bool> AnswersAsync(HttpClient http)
    {
        try
        {
            using var response = await http.GetAsync("/healthz");
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
