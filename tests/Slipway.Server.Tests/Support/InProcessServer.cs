using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
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
    private readonly CancellationTokenSource _stop;
    private readonly Task _run;

    private InProcessServer(TemporaryDirectory temp, RouterServer router, CancellationTokenSource stop, Task run, HttpClient http, string token)
    {
        _temp = temp;
        _router = router;
        _stop = stop;
        _run = run;
        Http = http;
        Token = token;
    }

    public TemporaryDirectory Temp => _temp;

    /// <summary>A client of the API, with no token: each test says what it sends.</summary>
    public HttpClient Http { get; }

    public string Token { get; }

    /// <param name="secrets">The secret lookup the server asks (a stand-in for the vault); none set when null.</param>
    public static async Task<InProcessServer> StartAsync(Slipway.Server.Secrets.ISecretLookup? secrets = null)
    {
        var temp = new TemporaryDirectory();
        var data = temp.Combine("data");
        var router = new RouterServer(new RouterOptions(Path.Combine(data, "router", "routes.json"), "127.0.0.1:0", "127.0.0.1:0"), NullLoggerFactory.Instance);
        var routerAddresses = await router.StartAsync(CancellationToken.None);
        var options = new ServerOptions(data, $"127.0.0.1:{FreePort()}", $"127.0.0.1:{routerAddresses.Listen.Port}", $"127.0.0.1:{routerAddresses.Admin.Port}")
        {
            MinimumLogLevel = LogLevel.Warning,
        };
        var stop = new CancellationTokenSource();
        Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? replace = secrets is null ? null : services => Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton(services, secrets);
        var run = Task.Run(() => ServerHost.RunAsync(options, replace, stop.Token));
        var http = new HttpClient { BaseAddress = new Uri($"http://{options.ApiListen}"), Timeout = TimeSpan.FromSeconds(30) };
        var waited = Stopwatch.StartNew();
        while (!await AnswersAsync(http))
        {
            if (run.IsCompleted || waited.Elapsed > StartDeadline)
            {
                await stop.CancelAsync();
                var failure = run.IsFaulted ? run.Exception.ToString() : $"no answer on {options.ApiListen}/healthz within {StartDeadline.TotalSeconds} s";
                http.Dispose();
                await router.DisposeAsync();
                temp.Dispose();
                throw new InvalidOperationException("the server did not start: " + failure);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }

        var token = (await File.ReadAllTextAsync(ApiTokenFile.PathIn(data))).Trim();
        return new InProcessServer(temp, router, stop, run, http, token);
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
        await _stop.CancelAsync();
        try
        {
            await _run;
        }
        catch (OperationCanceledException)
        {
            // How the server stops.
        }

        Http.Dispose();
        _stop.Dispose();
        await _router.DisposeAsync();
        _temp.Dispose();
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
